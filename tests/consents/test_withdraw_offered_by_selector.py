"""The staff withdraw page offers a withdrawal exactly when `consent_allowed_actions` names "withdraw",
and that is exactly when the withdrawal service takes it: in every status, past its term (not yet
swept), and for a purpose whose version in force relies on another legal basis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import Consent, ConsentStatus
from consents.selectors import consent_allowed_actions
from core.actors import actor_for_user
from core.errors import DomainError
from tests.consents.factories import grant, make_purpose, version_in_force_since
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db

# Each case: a granted consent moved to what the case names (the model's columns, as the movers leave them).
ENDED = [s for s in ConsentStatus.values if s != ConsentStatus.GRANTED]
CASES = ["granted", *ENDED, "past_term", "not_consent_based"]


def _consent_in(case: str) -> Consent:
    now = timezone.now()
    purpose = make_purpose(f"case-{case}", category="analytics", effective_at=now - timedelta(days=90))
    consent = grant(make_subject(), purpose, now=now - timedelta(days=10))
    rows = Consent.objects.filter(pk=consent.pk)
    if case in ENDED:
        withdrawn_at = now if case == ConsentStatus.WITHDRAWN else None
        rows.update(status=case, ended_at=now, withdrawn_at=withdrawn_at)
    elif case == "past_term":
        rows.update(expires_at=now - timedelta(days=1))
    elif case == "not_consent_based":
        version_in_force_since(purpose.code, {"legal_basis": "contract"}, ago=timedelta(minutes=1))
    return Consent.objects.select_related("purpose", "subject").get(pk=consent.pk)


@pytest.mark.parametrize("case", CASES)
def test_the_page_and_the_service_agree_with_the_selector(officer, case):
    consent = _consent_in(case)
    actor = actor_for_user(officer)
    named = "withdraw" in consent_allowed_actions(consent, actor)

    page = signed_in(officer).get(f"/en/portal/consents/{consent.pk}/withdraw/").content.decode()
    assert ('name="channel"' in page) is named
    assert ('data-testid="withdraw-not-live"' in page) is not named
    posted = signed_in(officer).post(
        f"/en/portal/consents/{consent.pk}/withdraw/",
        {"asked_by": "customer", "channel": "branch", "evidence": "F-15", "reason": ""},
    )
    assert (posted.status_code == 409) is not named

    if named:  # the page's withdrawal went through: in force again, for the service's own answer
        Consent.objects.filter(pk=consent.pk).update(
            status=ConsentStatus.GRANTED, ended_at=None, withdrawn_at=None
        )
    try:
        services.consent_withdraw(actor=actor, consent_id=consent.pk, channel="branch")
        accepted = True
    except DomainError:
        accepted = False
    assert accepted is named
    assert named is (case == "granted")
