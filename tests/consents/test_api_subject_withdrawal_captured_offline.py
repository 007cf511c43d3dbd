"""The app's "withdraw these" (`POST /api/v1/consents/withdraw/`) captured offline carries `answered_at` as
the single withdrawal does: the consents end when the customer said it, the recipients' clocks run from
when the bank heard it, and the same bounds refuse a time too old, in the future, before the customer
was registered, or before a later change of one of the consents (409 `answered_since`). It was ignored:
the withdrawals were dated when the phone reconnected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents.models import Consent, ConsentStatus, WithdrawalDuty
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SCOPES = ["consents:read", "consents:write"]
URL = "/api/v1/consents/withdraw/"


def _consents(granted_ago: timedelta) -> list[Consent]:
    customer = make_subject()
    DataSubject.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=60))
    customer = DataSubject.objects.get(pk=customer.pk)
    return [
        grant(
            customer, make_purpose(code, category="marketing", recipients=[make_recipient(f"Agency {code}")]),
            now=timezone.now() - granted_ago,
        )
        for code in ("mkt-a", "mkt-b")
    ]


def _withdraw(api, consents, said):
    body = {"subject": consents[0].subject.external_ref, "purposes": ["mkt-a", "mkt-b"],
            "channel": "mobile_app", "answered_at": said.isoformat()}
    return api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def test_the_withdrawals_are_dated_when_said_and_their_stop_clocks_when_heard(as_user, client_user):
    consents = _consents(timedelta(days=2))
    said, heard = timezone.now() - timedelta(hours=3), timezone.now()

    response = _withdraw(as_user(client_user, SCOPES), consents, said)

    assert response.status_code == 200, response.json()
    for consent in consents:
        consent.refresh_from_db()
        assert (consent.status, consent.withdrawn_at) == (ConsentStatus.WITHDRAWN, said)
        assert WithdrawalDuty.objects.get(consent=consent).received_at >= heard


def test_a_withdrawal_said_before_one_of_the_consents_was_given_is_refused_whole(as_user, client_user):
    consents = _consents(timedelta(hours=1))

    response = _withdraw(as_user(client_user, SCOPES), consents, timezone.now() - timedelta(hours=2))

    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "answered_since"
    assert Consent.objects.filter(pk__in=[c.pk for c in consents], status=ConsentStatus.GRANTED).count() == 2


@pytest.mark.parametrize("said", [timedelta(days=8), -timedelta(hours=1)])
def test_a_time_out_of_bounds_is_refused_on_answered_at(as_user, client_user, said):
    consents = _consents(timedelta(days=30))

    response = _withdraw(as_user(client_user, SCOPES), consents, timezone.now() - said)

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["answered_at"]


def test_a_time_before_the_customer_was_registered_is_refused(as_user, client_user):
    customer = make_subject()
    purpose = make_purpose("mkt-a", category="marketing")
    consent = grant(customer, purpose)
    Consent.objects.filter(pk=consent.pk).update(granted_at=timezone.now() - timedelta(days=5))
    DataSubject.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=1))
    body = {"subject": customer.external_ref, "channel": "mobile_app",
            "answered_at": (timezone.now() - timedelta(days=2)).isoformat()}

    response = as_user(client_user, SCOPES).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["answered_at"]
