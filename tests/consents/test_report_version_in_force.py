"""The consent report lists every purpose a customer can consent to by the purposes' versions in force
at the report's end, as the consent check judges them, not by their rows, which the job updates only
minutes after a new version takes effect."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.models import Purpose
from consents.selectors import consent_check
from consents.selectors.report import consent_report
from tests.consents.factories import SYSTEM, announce_on_time, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
IN_FORCE = NOW + timedelta(days=30, minutes=1)
WINDOW = IN_FORCE + timedelta(minutes=1)  # the version took effect; the job has not run yet
SINCE, UNTIL = IN_FORCE - timedelta(days=1), IN_FORCE + timedelta(days=1)


def _rebased(code: str, *, before: str, after: str) -> None:
    make_purpose(code, legal_basis=before, category="analytics", effective_at=NOW - timedelta(days=60))
    services.purpose_update(
        actor=SYSTEM, code=code, changes={"legal_basis": after}, effective_at=IN_FORCE, now=NOW
    )
    announce_on_time(code)


def _listed(*, now) -> set[str]:
    return {row["purpose"] for row in consent_report(since=SINCE, until=UNTIL, now=now)["by_purpose"]}


def test_in_the_window_the_report_lists_the_purposes_consent_based_by_their_version_in_force():
    """The rows still say contract and consent: judged by them, the report left out the purpose the check
    already asks consent for, and listed the one it no longer does."""
    _rebased("now-consent", before="contract", after="consent")
    _rebased("now-contract", before="consent", after="contract")
    subject = make_subject()
    assert Purpose.objects.get(code="now-consent").legal_basis == "contract"  # the job has not run

    asks = consent_check(subject_ref=subject.external_ref, purpose_code="now-consent", now=WINDOW)
    no_longer = consent_check(subject_ref=subject.external_ref, purpose_code="now-contract", now=WINDOW)
    assert (asks.allowed, no_longer.allowed, no_longer.reason) == (False, True, "legal_basis")
    assert _listed(now=WINDOW) == {"now-consent"}


def test_a_report_ending_before_the_move_lists_the_purposes_as_they_stood_then():
    _rebased("now-consent", before="contract", after="consent")
    _rebased("now-contract", before="consent", after="contract")
    services.purpose_versions_apply_due(now=WINDOW)

    assert _listed(now=IN_FORCE - timedelta(minutes=1)) == {"now-contract"}
