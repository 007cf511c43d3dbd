"""A relationship registered by mistake (a guarantor recorded as a payee) is the bank's record to correct:
staff correct it as any other field of the record, audited with what it was and what it became. Making
someone a customer is not a correction: the record moves to their customer number (became_customer)."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from subjects.models import DataSubject, SubjectRelationship
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

PAYEE = {"full_name": "Trần Thị Bảo Lãnh", "relationship": "payee"}


def test_staff_correct_a_payee_who_is_a_guarantor_audited_before_and_after(as_user, officer):
    client = as_user(officer)
    subject_id = client.post("/api/v1/subjects/", PAYEE, format="json").json()["id"]

    response = client.patch(f"/api/v1/subjects/{subject_id}/", {"relationship": "guarantor"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["relationship"] == "guarantor"
    assert DataSubject.objects.get(pk=subject_id).relationship == SubjectRelationship.GUARANTOR
    entry = AuditEntry.objects.get(action="core.subject.rectified", subject_id=subject_id)
    assert entry.data["changed"]["relationship"] == {"before": "payee", "after": "guarantor"}


def test_making_someone_a_customer_is_refused_with_the_way_to_do_it(as_user, officer):
    client = as_user(officer)
    subject_id = client.post("/api/v1/subjects/", PAYEE, format="json").json()["id"]

    response = client.patch(f"/api/v1/subjects/{subject_id}/", {"relationship": "customer"}, format="json")

    assert response.status_code == 400, response.content
    assert "became_customer" in str(response.json())
    assert DataSubject.objects.get(pk=subject_id).relationship == SubjectRelationship.PAYEE
    assert not AuditEntry.objects.filter(action="core.subject.rectified").exists()


def test_an_unknown_relationship_is_a_400_not_a_half_write(as_user, officer):
    client = as_user(officer)
    subject_id = client.post("/api/v1/subjects/", PAYEE, format="json").json()["id"]

    response = client.patch(f"/api/v1/subjects/{subject_id}/", {"relationship": "cousin", "full_name": "X Y"},
                            format="json")

    assert response.status_code == 400, response.content
    assert DataSubject.objects.get(pk=subject_id).full_name == PAYEE["full_name"]


def test_the_persons_page_corrects_the_relationship(officer):
    subject = make_subject(external_ref="", relationship=SubjectRelationship.PAYEE)
    client = signed_in(officer)
    page = client.get(f"/portal/customers/{subject.pk}/").content.decode()
    assert 'name="relationship"' in page

    client.post(f"/portal/customers/{subject.pk}/relationship-end/", {"relationship": "guarantor"})

    subject.refresh_from_db()
    assert subject.relationship == SubjectRelationship.GUARANTOR
    assert subject.relationship_ended_on is None
    entry = AuditEntry.objects.get(action="core.subject.rectified", subject_id=subject.pk)
    assert entry.data["changed"]["relationship"] == {"before": "payee", "after": "guarantor"}
