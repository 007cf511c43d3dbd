"""Data minimisation in the consent check (Law 91/2025): a client serving some purposes only (a
marketing agency, a processor) is told that a customer may not be processed, not the sensitive fact
behind it. That the customer has died, is a child, left the bank or has data under a legal hold reads
`not_allowed` to it, in the single check, the check as of a moment, the campaign list and its changes;
the reasons about the consent itself (withdrawn, objected, restricted...) it needs to act on, and core
banking and staff read every reason."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
PROCESSOR = ["consents:read", "purpose:marketing"]


@pytest.fixture
def deceased(db):
    customer = make_subject()
    published = timezone.now() - timedelta(days=90)
    marketing = make_purpose("marketing", category="marketing", effective_at=published)
    grant(customer, marketing, now=timezone.now() - timedelta(days=60))
    DataSubject.objects.filter(pk=customer.pk).update(deceased_on=timezone.localdate() - timedelta(days=10))
    return customer


def _reasons(api, ref):
    single = api.get("/api/v1/consent-check/", {"subject": ref, "purpose": "marketing"}).json()
    at = (timezone.now() - timedelta(days=1)).isoformat()
    then = api.get("/api/v1/consent-check/", {"subject": ref, "purpose": "marketing", "at": at}).json()
    bulk = api.post("/api/v1/consent-check/bulk/", {"purpose": "marketing", "subjects": [ref]}, format="json")
    since = (timezone.now() - timedelta(days=30)).isoformat()
    changes = api.get("/api/v1/consent-check/changes/", {"purpose": "marketing", "since": since})
    assert single["allowed"] is False and then["allowed"] is False
    return {
        single["reason"], then["reason"],
        *(row["reason"] for row in bulk.json()["not_allowed"]),
        *(row["reason"] for row in changes.json()["not_allowed"]),
    }


def test_a_processor_reads_not_allowed_for_a_deceased_customer(as_user, client_user, deceased):
    assert _reasons(as_user(client_user, scopes=PROCESSOR), deceased.external_ref) == {"not_allowed"}


def test_core_banking_reads_the_reason(as_user, client_user, deceased):
    assert _reasons(as_user(client_user, scopes=["consents:read"]), deceased.external_ref) == {"deceased"}


def test_a_processor_still_reads_a_withdrawal(as_user, client_user, db):
    customer = make_subject()
    consent = grant(customer, make_purpose("marketing", category="marketing"))
    api = as_user(client_user, scopes=[*PROCESSOR, "consents:write"])
    api.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "api"}, format="json")
    answer = api.get("/api/v1/consent-check/", {"subject": customer.external_ref, "purpose": "marketing"})
    assert answer.json()["reason"] == "withdrawn"
