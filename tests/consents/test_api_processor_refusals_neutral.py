"""Data minimisation in refusals (Law 91/2025): a processor (a token serving some purposes only) that
tries to record a consent for a customer who died, left the bank or is a child is refused (409) without
being told which, nor the day: `consent_not_recordable`, the same words for all. Core banking and staff
read the reason, which they act on."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from subjects.models import DataSubject
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
PROCESSOR = ["consents:write", "purpose:marketing"]
DIED = timezone.localdate() - timedelta(days=3)


@pytest.fixture
def deceased(db):
    make_purpose("marketing", category="marketing")
    customer = make_subject(date_of_birth=DIED.replace(year=DIED.year - 40))
    DataSubject.objects.filter(pk=customer.pk).update(deceased_on=DIED)
    return customer


def _grant(api, customer):
    return api.post("/api/v1/consents/", {
        "subject": customer.external_ref, "purpose": "marketing", "notice_version": "v1",
        "channel": "api", "outcome": "granted",
    }, format="json")


def test_a_processor_is_refused_without_the_reason(as_user, client_user, deceased):
    answer = _grant(as_user(client_user, scopes=PROCESSOR), deceased)
    assert answer.status_code == 409
    assert answer.json()["code"] == "consent_not_recordable"
    assert DIED.strftime("%d/%m/%Y") not in answer.json()["detail"]


def test_core_banking_reads_the_reason(as_user, client_user, deceased):
    answer = _grant(as_user(client_user, scopes=["consents:write"]), deceased)
    assert answer.status_code == 409 and answer.json()["code"] == "subject_deceased"
