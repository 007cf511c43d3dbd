"""A withdrawal the mobile app captured offline carries `answered_at`, when the customer said it: the
consent ends then (the customer's wish dates from when they said it), but the bank's 72-hour stop clock
runs from when the bank heard it, and the audit entry, written then, names both."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent, ConsentStatus, WithdrawalDuty
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SCOPES = ["consents:read", "consents:write"]


def _consent(granted_ago: timedelta) -> Consent:
    purpose = make_purpose("marketing", category="marketing", recipients=[make_recipient("Agency")])
    # Registered before the consent was given, as any customer is: a withdrawal is never dated before that.
    customer = make_subject()
    registered = timezone.now() - granted_ago - timedelta(days=1)
    DataSubject.objects.filter(pk=customer.pk).update(created_at=registered)
    return grant(DataSubject.objects.get(pk=customer.pk), purpose, now=timezone.now() - granted_ago)


def _withdraw(api, consent, said):
    body = {"channel": "mobile_app", "answered_at": said.isoformat()}
    url = f"/api/v1/consents/{consent.pk}/withdraw/"
    return api.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_a_withdrawal_is_dated_when_said_and_its_stop_clock_when_heard(as_user, client_user):
    consent = _consent(timedelta(days=2))
    said, heard = timezone.now() - timedelta(hours=3), timezone.now()

    response = _withdraw(as_user(client_user, SCOPES), consent, said)

    assert response.status_code == 200, response.json()
    consent.refresh_from_db()
    assert (consent.status, consent.withdrawn_at) == (ConsentStatus.WITHDRAWN, said)
    assert consent.events.get(kind="withdrawn").at == said
    duty = WithdrawalDuty.objects.get(consent=consent)
    assert duty.received_at >= heard
    entry = AuditEntry.objects.get(action="consents.consent.withdrawn")
    assert datetime.fromisoformat(entry.data["effective_at"]) == said and entry.recorded_at >= heard


def test_a_withdrawal_said_before_the_consent_was_given_is_refused(as_user, client_user):
    consent = _consent(timedelta(hours=1))

    response = _withdraw(as_user(client_user, SCOPES), consent, timezone.now() - timedelta(hours=2))

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "answered_since"
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def test_a_withdrawal_said_too_long_ago_is_refused(as_user, client_user):
    consent = _consent(timedelta(days=30))

    response = _withdraw(as_user(client_user, SCOPES), consent, timezone.now() - timedelta(days=8))

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["answered_at"]
