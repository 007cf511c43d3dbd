"""`consent-check/?at=` answers from the purpose as it stood at that moment, not from today's row."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.selectors import consent_check, consent_check_as_of
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_a_purpose_deactivated_after_the_moment_answers_as_it_was_then():
    purpose = make_purpose("loyalty", category="service", effective_at=NOW - timedelta(days=60))
    subject = make_subject()
    consent = grant(subject, purpose, now=NOW - timedelta(days=10))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={"active": False}, now=NOW)
    assert consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code).reason == (
        "purpose_inactive"
    )

    def at(delta):
        ref, code = subject.external_ref, purpose.code
        return consent_check_as_of(subject_ref=ref, purpose_code=code, at=NOW + delta)

    then = at(-timedelta(days=1))
    assert (then.allowed, then.reason, then.consent) == (True, "granted", consent.pk)
    assert at(timedelta(hours=1)).reason == "purpose_inactive"
    # Switched on again later: the moment in between still answers "inactive".
    services.purpose_update(
        actor=STAFF, code=purpose.code, changes={"active": True}, now=NOW + timedelta(days=2)
    )
    assert at(timedelta(days=1)).reason == "purpose_inactive"
    assert at(-timedelta(days=1)).allowed is True
    assert at(timedelta(days=3)).allowed is True


def test_a_purpose_published_after_the_moment_answers_not_allowed_then():
    purpose = make_purpose(
        "open-banking", legal_basis="contract", category="service", effective_at=NOW + timedelta(days=5)
    )
    subject = make_subject()

    def at(delta):
        ref, code = subject.external_ref, purpose.code
        return consent_check_as_of(subject_ref=ref, purpose_code=code, at=NOW + delta)

    before = at(timedelta(days=1))
    assert (before.allowed, before.reason) == (False, "purpose_inactive")
    after = at(timedelta(days=6))
    assert (after.allowed, after.reason) == (True, "legal_basis")
