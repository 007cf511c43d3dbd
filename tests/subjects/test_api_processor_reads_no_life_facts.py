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
