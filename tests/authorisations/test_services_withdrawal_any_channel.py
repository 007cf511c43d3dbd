"""Withdrawal works through any channel (domain notes, "Consent rules"): withdrawing a consent to share
with third parties revokes the customer's third-party access whether it comes through the consent switch,
the API or a data-subject request, in the same transaction as the withdrawal (`consents.follow_ups`)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from authorisations.models import Authorisation
from consents import services as consent_services
from consents.models import Consent
from core.actors import actor_for_user
from tests.authorisations.factories import authorise
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import verified_request

pytestmark = pytest.mark.django_db


def _status(authorisation: Authorisation) -> str:
    authorisation.refresh_from_db()
    return authorisation.status


def test_withdrawing_a_sharing_consent_on_the_switch_revokes_third_party_access(customer1):
    subject = customer1.customer_account.subject
    consent = grant(subject, make_purpose("partner-sharing", category="sharing"))
    authorisation = authorise(customer1, scopes=["transactions:read"])

    consent_services.consent_withdraw(
        actor=actor_for_user(customer1), consent_id=consent.pk, channel="internet_banking"
    )

    assert _status(authorisation) == "revoked"
    event = authorisation.events.get(kind="revoked")
    assert (event.channel, event.reason) == ("internet_banking", "consents.withdrawn")
    assert AuditEntry.objects.filter(action="authorisations.authorisation.revoked").count() == 1


def test_withdrawing_a_sharing_consent_through_the_api_revokes_third_party_access(customer1, as_user):
    subject = customer1.customer_account.subject
    consent = grant(subject, make_purpose("partner-sharing", category="sharing"))
    authorisation = authorise(customer1, scopes=["transactions:read"])

    answer = as_user(customer1).post(
        f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "mobile_app"}, format="json"
    )

    assert answer.status_code == 200
    assert _status(authorisation) == "revoked"


def test_withdrawing_every_consent_through_the_api_revokes_third_party_access(customer1, as_user, officer):
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("newsletter", category="marketing"))
    authorisation = authorise(customer1)

    answer = as_user(officer).post(
        "/api/v1/consents/withdraw/", {"subject": subject.external_ref, "channel": "branch"}, format="json"
    )

    assert answer.status_code == 200, answer.content
    assert _status(authorisation) == "revoked"


def test_withdrawing_a_consent_that_shares_nothing_leaves_third_party_access(customer1):
    subject = customer1.customer_account.subject
    consent = grant(subject, make_purpose("newsletter", category="marketing"))
    authorisation = authorise(customer1)

    consent_services.consent_withdraw(
        actor=actor_for_user(customer1), consent_id=consent.pk, channel="internet_banking"
    )

    assert _status(authorisation) == "active"


def test_a_request_to_withdraw_sharing_revokes_once_through_the_same_follow_up(customer1):
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("partner-sharing", category="sharing"))
    authorisation = authorise(customer1)

    request = verified_request(subject, type="withdraw", purposes=["partner-sharing"], now=timezone.now())

    assert _status(authorisation) == "revoked"
    assert Consent.objects.get(subject=subject).status == "withdrawn"
    event = authorisation.events.get(kind="revoked")
    assert (event.reason, event.channel) == (f"dsr.request:{request.pk}", request.channel)
    assert AuditEntry.objects.filter(action="authorisations.authorisation.revoked").count() == 1
