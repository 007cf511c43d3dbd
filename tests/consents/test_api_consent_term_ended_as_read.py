"""From the moment a consent's term ends it reads "expired" in the consent API, as the check answers,
though the hourly sweep has not yet recorded the expiry: an agency building its target list from
`GET /api/v1/consents/?status=granted` must not get a customer whose consent has run out. Reading writes
nothing: the sweep still records the expiry event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentEvent
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
AGENCY = ["consents:read", "purpose:marketing"]


@pytest.fixture
def ran_out_an_hour_ago():
    published = timezone.now() - timedelta(days=90)
    marketing = make_purpose("marketing", category="marketing", effective_at=published)
    return grant(make_subject(), marketing, now=timezone.now() - timedelta(days=10),
                 expires_at=timezone.now() - timedelta(hours=1))


def test_granted_leaves_out_a_consent_whose_term_ended(ran_out_an_hour_ago, as_user, client_user):
    agency = as_user(client_user, AGENCY)
    still_granted = grant(make_subject(), ran_out_an_hour_ago.purpose)

    granted = agency.get("/api/v1/consents/", {"purpose": "marketing", "status": "granted"}).json()
    expired = agency.get("/api/v1/consents/", {"purpose": "marketing", "status": "expired"}).json()

    assert [row["id"] for row in granted["results"]] == [str(still_granted.pk)]
    listed = [(row["id"], row["status"]) for row in expired["results"]]
    assert listed == [(str(ran_out_an_hour_ago.pk), "expired")]


def test_one_whose_term_ended_reads_expired_and_nothing_is_written(ran_out_an_hour_ago, as_user, client_user):
    answer = as_user(client_user, AGENCY).get(f"/api/v1/consents/{ran_out_an_hour_ago.pk}/").json()

    assert answer["status"] == "expired"
    assert Consent.objects.get(pk=ran_out_an_hour_ago.pk).status == "granted"
    assert not ConsentEvent.objects.filter(consent=ran_out_an_hour_ago, kind="expired").exists()
