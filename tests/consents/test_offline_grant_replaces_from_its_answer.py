"""A consent given offline to a newer notice replaces the live one from when the customer answered, not
from when the phone reconnected: between the two, the customer was never under two consents to one
purpose, and the report's month reconciles with one of them in force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentEvent, ConsentStatus
from consents.selectors.report import consent_report
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose, publish_notice
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SCOPES = ["consents:read", "consents:write"]


def test_the_replaced_consent_ends_when_the_new_answer_was_given(as_user, client_user):
    now = timezone.now()
    purpose = make_purpose("marketing", category="marketing", effective_at=now - timedelta(days=60))
    subject = make_subject()
    DataSubject.objects.filter(pk=subject.pk).update(created_at=now - timedelta(days=60))
    subject.refresh_from_db()
    old = grant(subject, purpose, now=now - timedelta(days=20))
    publish_notice("marketing", "v2", effective_at=now - timedelta(days=1), now=now - timedelta(days=8))
    answered = now - timedelta(hours=3)

    response = as_user(client_user, SCOPES).post(
        "/api/v1/consents/",
        {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v2",
         "channel": "mobile_app", "outcome": "granted", "answered_at": answered.isoformat()},
        format="json",
    )

    assert response.status_code == 201, response.json()
    old.refresh_from_db()
    new = Consent.objects.get(pk=response.json()["id"])
    assert old.status == ConsentStatus.SUPERSEDED
    assert old.ended_at == new.granted_at == answered
    assert ConsentEvent.objects.get(consent=old, kind=ConsentStatus.SUPERSEDED).at == answered
    totals = consent_report(since=answered - timedelta(days=1), until=answered + timedelta(hours=1))["totals"]
    figures = ("in_force_at_start", "granted", "superseded", "in_force_at_end")
    assert [totals[name] for name in figures] == [1, 1, 1, 1]
