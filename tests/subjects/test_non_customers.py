"""People whose data the bank holds without their being its customers (a guarantor, a corporate client's
signatory, a prospect from a web form): Law 91/2025 gives them the same rights, so they are registered
without a customer number (CIF) of their own, marked as what they are, and keep their record, consents
and withdrawals when they later open an account."""

from __future__ import annotations

import html

import pytest

from audit.models import AuditEntry
from subjects.models import DataSubject, SubjectRelationship
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

GUARANTOR = {"full_name": "Trần Thị Bảo Lãnh", "national_id": "079201000123", "date_of_birth": "1980-04-02",
             "relationship": "guarantor"}


def test_a_guarantor_without_a_customer_number_is_registered_and_can_ask_for_their_data(as_user, officer):
    client = as_user(officer)

    created = client.post("/api/v1/subjects/", GUARANTOR, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["relationship"] == "guarantor"
    assert body["external_ref"].startswith("NC-")
    subject = DataSubject.objects.get(pk=body["id"])
    assert subject.relationship == SubjectRelationship.GUARANTOR
    entry = AuditEntry.objects.get(action="core.subject.created", subject_id=subject.pk)
    assert entry.data["relationship"] == "guarantor"
    asked = client.post("/api/v1/requests/", {"subject": body["external_ref"], "type": "access",
                                               "channel": "branch", "details": "loan guarantee file"},
                        format="json")
    assert asked.status_code == 201, asked.content


def test_two_non_customers_get_two_references(as_user, officer):
    client = as_user(officer)
    first = client.post("/api/v1/subjects/", GUARANTOR, format="json").json()
    second = client.post("/api/v1/subjects/", {"full_name": "Lê Văn Ký", "relationship": "corporate_person"},
                         format="json").json()

    assert first["external_ref"] != second["external_ref"]


def test_a_customer_still_needs_their_customer_number(as_user, officer):
    response = as_user(officer).post("/api/v1/subjects/", {"full_name": "Nguyễn Văn A"}, format="json")

    assert response.status_code == 400
    assert "external_ref" in response.json()
    assert not DataSubject.objects.exists()


def test_an_unknown_relationship_is_a_400(as_user, officer):
    body = {**GUARANTOR, "relationship": "cousin"}

    response = as_user(officer).post("/api/v1/subjects/", body, format="json")

    assert response.status_code == 400
    assert "relationship" in response.json()


def test_the_counter_registers_a_corporate_signatory_without_a_customer_number(client, officer):
    client.force_login(officer)

    response = client.post("/en/portal/customers/new/", {
        "relationship": "corporate_person", "external_ref": "", "full_name": "Phạm Minh Ký",
        "preferred_language": "vi",
    })

    assert response.status_code == 302, response.content
    subject = DataSubject.objects.get(relationship=SubjectRelationship.CORPORATE_PERSON)
    assert subject.external_ref.startswith("NC-")
    detail = client.get(f"/en/portal/customers/{subject.pk}/")
    assert b'data-testid="subject-relationship">Director, signatory or beneficial owner' in detail.content


def test_the_counter_still_asks_a_customer_for_their_customer_number(client, officer):
    client.force_login(officer)

    response = client.post("/en/portal/customers/new/", {
        "relationship": "customer", "external_ref": "", "full_name": "Phạm Minh Ký",
        "preferred_language": "vi",
    })

    assert response.status_code == 200
    assert not DataSubject.objects.exists()


def test_the_look_up_and_the_page_say_who_is_a_guarantor_not_a_customer(officer):
    make_subject(phone="0912000222")
    guarantor = make_subject(external_ref="", relationship="guarantor", phone="0912000222")
    client = signed_in(officer)

    listed = html.unescape(client.post("/en/portal/customers/", {"q": "0912000222"}).content.decode())
    page = html.unescape(client.get(f"/en/portal/customers/{guarantor.pk}/").content.decode())

    assert listed.count('data-testid="lookup-relationship"') == 2
    assert "Guarantor or co-borrower" in listed
    assert "Customer <span" not in page
    assert f"Guarantor or co-borrower <span class=\"mono\">{guarantor.external_ref}" in page
