"""A prospect who opens an account keeps their record: the marketing consent they gave (or withdrew) before
follows them to their customer number, with no second record and no lost withdrawal."""

from __future__ import annotations

import pytest

from subjects.models import CustomerNumberChange, DataSubject, SubjectRelationship
from tests.consents.factories import grant, make_purpose

pytestmark = pytest.mark.django_db

PROSPECT = {"full_name": "Đỗ Thị Tiềm", "email": "tiem@example.com", "date_of_birth": "1990-01-02",
            "relationship": "prospect"}


def _opened(client, subject_id, cif, kind="became_customer"):
    return client.post(f"/api/v1/subjects/{subject_id}/customer-number/",
                       {"external_ref": cif, "kind": kind, "reason": "account opened, core ref AO-77"},
                       format="json")


def test_a_prospect_who_opens_an_account_keeps_their_withdrawal(as_user, officer, dpo, client_user):
    body = as_user(officer).post("/api/v1/subjects/", PROSPECT, format="json").json()
    prospect = DataSubject.objects.get(pk=body["id"])
    marketing = make_purpose(category="marketing")
    consent = grant(prospect, marketing, channel="api", evidence="")
    withdrawn = as_user(client_user).post(f"/api/v1/consents/{consent.pk}/withdraw/",
                                          {"channel": "api", "reason": "no more offers"}, format="json")
    assert withdrawn.status_code == 200, withdrawn.content

    opened = _opened(as_user(dpo), prospect.pk, "CIF7800001")

    assert opened.status_code == 200, opened.content
    assert opened.json()["relationship"] == "customer"
    prospect.refresh_from_db()
    assert (prospect.external_ref, prospect.relationship) == ("CIF7800001", SubjectRelationship.CUSTOMER)
    check = as_user(client_user).get(f"/api/v1/consent-check/?subject=CIF7800001&purpose={marketing.code}")
    assert check.json()["allowed"] is False
    # The marketing platform still holding the prospect's reference is told the customer number.
    old = as_user(client_user).get(f"/api/v1/consent-check/?subject={body['external_ref']}"
                                   f"&purpose={marketing.code}")
    assert old.status_code == 404 and old.json()["external_ref"] == "CIF7800001"
    assert CustomerNumberChange.objects.get(subject=prospect).kind == "became_customer"


def test_a_customer_cannot_become_a_customer_again(as_user, dpo):
    body = as_user(dpo).post("/api/v1/subjects/", {"external_ref": "CIF7800002", "full_name": "Lê Văn Khách"},
                             format="json").json()

    response = _opened(as_user(dpo), body["id"], "CIF7800003")

    assert response.status_code == 400
    assert "kind" in response.json()
    assert DataSubject.objects.get(pk=body["id"]).external_ref == "CIF7800002"


def test_renumbering_a_guarantor_keeps_them_a_guarantor(as_user, officer, dpo):
    body = as_user(officer).post("/api/v1/subjects/", {**PROSPECT, "relationship": "guarantor"},
                                 format="json").json()

    assert _opened(as_user(dpo), body["id"], "GUA-0001", kind="mistyped").status_code == 200

    assert DataSubject.objects.get(pk=body["id"]).relationship == SubjectRelationship.GUARANTOR


def test_registering_a_guarantor_again_as_a_customer_is_told_to_move_their_record(as_user, officer):
    client = as_user(officer)
    guarantor = client.post("/api/v1/subjects/", {**PROSPECT, "relationship": "guarantor",
                                                  "national_id": "001190000777"}, format="json").json()

    again = client.post("/api/v1/subjects/", {"external_ref": "CIF7800009", "full_name": "Đỗ Thị Tiềm",
                                              "national_id": "001190000777"}, format="json")

    assert again.status_code == 409, again.content
    assert guarantor["external_ref"] in again.json()["detail"]
    assert again.json()["relationship"] == "guarantor"
    assert "became_customer" in again.json()["detail"]
    assert not DataSubject.objects.filter(external_ref="CIF7800009").exists()
