"""What the consent feed's tests share: its addresses, the core's scope, a purpose in force for ninety days,
and a customer who said yes a month ago and then withdrew at the branch."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from consents import services
from consents.models import Consent, Purpose
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject

CORE = ["consents:read"]
FEED = "/api/v1/consent-feed/"
APPLIED = "/api/v1/consent-feed/applied/"


def marketing_in_force() -> Purpose:
    return make_purpose("marketing", category="marketing", effective_at=timezone.now() - timedelta(days=90))


def withdrawn_at_the_branch(purpose: Purpose, *, ago: timedelta) -> Consent:
    consent = grant(make_subject(), purpose, now=timezone.now() - timedelta(days=30))
    return services.consent_withdraw(
        actor=STAFF, consent_id=consent.pk, channel="branch", now=timezone.now() - ago
    )
