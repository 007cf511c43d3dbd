"""The core's acknowledgement of the consent feed (`POST /api/v1/consent-feed/applied/`) is what the bank
shows an inspector for the 72-hour chain of a withdrawal: its audit entry says how many stops it covers
and how many of them the core applied after their due time, so the DPO sees late application without
recomputing every stop's deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import ConsentState
from tests.consents.factories import STAFF, grant, make_purpose
from tests.consents.feed_setup import APPLIED, CORE, FEED
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _customer(purpose, *, withdrawn: bool, written_ago: timedelta):
    consent = grant(make_subject(), purpose, now=timezone.now() - timedelta(days=30))
    if withdrawn:
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    ConsentState.objects.filter(subject=consent.subject).update(updated_at=timezone.now() - written_ago)
    return consent.subject


def _acknowledged(core) -> dict:
    body = core.get(FEED, {"purpose": "marketing", "limit": 5000}).json()
    applied = core.post(APPLIED, {"purpose": "marketing", "cursor": body["next"]}, format="json")
    assert applied.status_code == 200, applied.json()
    return AuditEntry.objects.get(pk=applied.json()["check_id"]).data


def test_the_acknowledgement_records_the_stops_it_covers_and_those_applied_late(as_user, client_user):
    marketing = make_purpose(
        "marketing", category="marketing", effective_at=timezone.now() - timedelta(days=90)
    )
    _customer(marketing, withdrawn=False, written_ago=timedelta(days=5))
    _customer(marketing, withdrawn=True, written_ago=timedelta(days=4))  # due a day ago: applied late
    _customer(marketing, withdrawn=True, written_ago=timedelta(hours=1))
    core = as_user(client_user, CORE)

    first = _acknowledged(core)

    assert (first["stops"], first["stops_late"]) == (2, 1)

    _customer(marketing, withdrawn=True, written_ago=timedelta(minutes=10))
    second = _acknowledged(core)

    assert (second["stops"], second["stops_late"]) == (1, 0), "only the stops since the last acknowledgement"
