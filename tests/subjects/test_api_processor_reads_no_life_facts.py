"""Data minimisation (Law 91/2025): a client whose token serves some purposes only (a marketing agency, a
processor) and may read customers (`subjects:read`) is not told their life facts, which the consent check
already keeps from it (`not_allowed`): the day they died or left the bank, their guardian and when the
guardian's authority was checked (a child). Core banking (a token serving every purpose) and staff read
them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
LIFE_FACTS = ("deceased_on", "relationship_ended_on", "guardian", "guardian_verified_at")


@pytest.fixture
def ward(db):
    guardian = make_subject()
    child = make_subject(guardian=guardian)
    yesterday = timezone.localdate() - timedelta(days=1)
    DataSubject.objects.filter(pk=child.pk).update(
        deceased_on=yesterday, relationship_ended_on=yesterday, guardian_verified_at=timezone.now()
    )
    return child


def _reads(api, ward):
    listed = api.get("/api/v1/subjects/", {"external_ref": ward.external_ref}).json()["results"][0]
    return [listed, api.get(f"/api/v1/subjects/{ward.pk}/").json()]


@pytest.mark.parametrize("scopes", [["subjects:read", "purpose:marketing"],
                                    ["subjects:read", "subjects:pii", "purpose:marketing"]])
def test_a_processor_reads_no_life_facts(as_user, client_user, ward, scopes):
    for row in _reads(as_user(client_user, scopes=scopes), ward):
        assert row["external_ref"] == ward.external_ref
        assert {fact: row[fact] for fact in LIFE_FACTS} == dict.fromkeys(LIFE_FACTS)


def test_core_banking_reads_them(as_user, client_user, ward):
    for row in _reads(as_user(client_user, scopes=["subjects:read"]), ward):
        assert row["deceased_on"] is not None and row["guardian"] == str(ward.guardian_id)



def _writes(as_user, client_user, staff, ward, *, purposes):
    """The answers to a create by a client (a child under the ward's guardian, who left the bank) and to
    a correction of the ward by a staff member's token (clients create but do not correct)."""
    created = as_user(client_user, scopes=["subjects:read", "subjects:write", *purposes]).post(
        "/api/v1/subjects/", {
            "external_ref": "CIF-WRITTEN-BY-CLIENT", "full_name": "Nguyễn Văn Con",
            "guardian": str(ward.guardian_id),
            "relationship_ended_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        }, format="json", HTTP_IDEMPOTENCY_KEY="create-child-1")
    corrected = as_user(staff, scopes=["subjects:read", "subjects:write", *purposes]).patch(
        f"/api/v1/subjects/{ward.pk}/", {"full_name": "Nguyễn Văn Sửa", "reason": "typo"}, format="json")
    assert (created.status_code, corrected.status_code) == (201, 200), (created.json(), corrected.json())
    return [created.json(), corrected.json()]


def test_a_processor_writing_a_customer_is_answered_without_life_facts(
    as_user, client_user, privacy_officer, ward
):
    for row in _writes(as_user, client_user, privacy_officer, ward, purposes=["purpose:marketing"]):
        assert {fact: row[fact] for fact in LIFE_FACTS} == dict.fromkeys(LIFE_FACTS)


def test_core_banking_and_staff_writing_a_customer_are_answered_with_them(
    as_user, client_user, privacy_officer, ward
):
    created, corrected = _writes(as_user, client_user, privacy_officer, ward, purposes=[])
    assert created["guardian"] == str(ward.guardian_id) and created["relationship_ended_on"] is not None
    assert corrected["deceased_on"] is not None and corrected["guardian"] == str(ward.guardian_id)
