"""A consent the customer gave in the mobile app while offline is sent when the phone reconnects:
the proof is dated when the customer answered (`answered_at`), not when the server heard of it, within
a bound, and never over an answer the customer gave since."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentEvent
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SCOPES = ["consents:read", "consents:write"]


def _customer_since(ago: timedelta) -> DataSubject:
    """A customer registered `ago`: an offline answer is never dated before the customer existed."""
    subject = make_subject()
    DataSubject.objects.filter(pk=subject.pk).update(created_at=timezone.now() - ago)
    subject.refresh_from_db()
    return subject


def _body(subject, answered_at, **extra):
    return {
        "subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
        "channel": "mobile_app", "outcome": "granted", "answered_at": answered_at.isoformat(), **extra,
    }


def test_a_grant_captured_offline_is_dated_when_the_customer_answered(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject, answered = _customer_since(timedelta(days=30)), timezone.now() - timedelta(hours=3)

    api = as_user(client_user, SCOPES)

    response = api.post("/api/v1/consents/", _body(subject, answered), format="json")

    assert response.status_code == 201, response.json()
    consent = Consent.objects.get(pk=response.json()["id"])
    assert consent.granted_at == answered
    assert ConsentEvent.objects.get(consent=consent).at == answered
    then = (answered + timedelta(hours=1)).isoformat()
    check = api.get(
        "/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": "marketing", "at": then}
    )
    assert check.json()["allowed"] is True


def test_a_refusal_captured_offline_is_dated_when_the_customer_answered(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject, answered = _customer_since(timedelta(days=30)), timezone.now() - timedelta(hours=1)

    response = as_user(client_user, SCOPES).post(
        "/api/v1/consents/", _body(subject, answered, outcome="refused"), format="json"
    )

    assert response.status_code == 201, response.json()
    assert Consent.objects.get(pk=response.json()["id"]).granted_at == answered


def test_an_answer_older_than_the_customers_later_answer_is_refused(as_user, client_user):
    marketing = make_purpose("marketing", category="marketing")
    subject, now = _customer_since(timedelta(days=30)), timezone.now()
    grant(subject, marketing, now=now - timedelta(hours=5))
    as_user(client_user, SCOPES).post(
        f"/api/v1/consents/{Consent.objects.get().pk}/withdraw/", {"channel": "branch"}, format="json"
    )

    response = as_user(client_user, SCOPES).post(
        "/api/v1/consents/", _body(subject, now - timedelta(hours=2)), format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "answered_since"
    assert Consent.objects.filter(status="granted").count() == 0


@pytest.mark.parametrize("offset", [timedelta(days=8), timedelta(minutes=-10)])
def test_an_answer_time_too_old_or_in_the_future_is_refused(as_user, client_user, offset):
    make_purpose("marketing", category="marketing")
    subject = make_subject()

    response = as_user(client_user, SCOPES).post(
        "/api/v1/consents/", _body(subject, timezone.now() - offset), format="json", HTTP_ACCEPT_LANGUAGE="vi"
    )

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["answered_at"]
    assert not Consent.objects.exists()


def test_a_phone_clock_a_little_ahead_is_read_as_now(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject, before = make_subject(), timezone.now()

    response = as_user(client_user, SCOPES).post(
        "/api/v1/consents/", _body(subject, before + timedelta(seconds=30)), format="json"
    )

    assert response.status_code == 201, response.json()
    assert before <= Consent.objects.get().granted_at <= timezone.now()



def test_an_answer_dated_before_the_customer_was_registered_is_refused(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = _customer_since(timedelta(hours=1))

    response = as_user(client_user, SCOPES).post(
        "/api/v1/consents/", _body(subject, timezone.now() - timedelta(hours=3)), format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400, response.json()
    assert "registered" in response.json()["answered_at"][0]
    assert not Consent.objects.exists()


def test_a_term_that_ran_out_before_the_answer_reached_the_bank_is_refused(as_user, client_user):
    # Born expired, it would be recorded granted and its recipients' 72-hour stop clocks started at an
    # expiry the bank had not heard of.
    make_purpose("marketing", category="marketing")
    subject, now = _customer_since(timedelta(days=30)), timezone.now()

    response = as_user(client_user, SCOPES).post(
        "/api/v1/consents/",
        _body(subject, now - timedelta(hours=3), expires_at=(now - timedelta(hours=1)).isoformat()),
        format="json",
    )

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["expires_at"]
    assert not Consent.objects.exists()
