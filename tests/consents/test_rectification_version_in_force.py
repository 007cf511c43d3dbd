"""A rectification tells the recipients of the purposes resting on no consent by the purposes' versions
in force, as the consent check judges them, not by their rows, which the job updates only minutes after
a new version takes effect."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents import services
from consents.models import Purpose
from consents.selectors import consent_check
from consents.services.duties import duties_open_for_rectification
from tests.consents.factories import SYSTEM, announce_on_time, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
IN_FORCE = NOW + timedelta(days=30, minutes=1)
WINDOW = IN_FORCE + timedelta(minutes=1)  # the version took effect; the job has not run yet


def _rebased(code: str, recipient_name: str, *, before: str, after: str) -> Purpose:
    make_purpose(
        code,
        legal_basis=before,
        category="analytics",
        recipients=[make_recipient(recipient_name, kind="processor")],
        effective_at=NOW - timedelta(days=60),
    )
    services.purpose_update(
        actor=SYSTEM, code=code, changes={"legal_basis": after}, effective_at=IN_FORCE, now=NOW
    )
    announce_on_time(code)
    return Purpose.objects.get(code=code)


def _told(subject, *, now):
    duties = duties_open_for_rectification(
        actor=SYSTEM, subject=subject, changed=frozenset({"address"}), before={}, now=now
    )
    return {duty.recipient.name for duty in duties}


def test_in_the_window_after_a_move_to_contract_the_purposes_recipients_are_told():
    """The row still says consent: judged by it, the recipient processing every customer's data under the
    contract was not told, though the check already lets the bank process this customer's data for it."""
    _rebased("scoring", "Scoring Co", before="consent", after="contract")
    subject = make_subject()
    assert Purpose.objects.get(code="scoring").legal_basis == "consent"  # the job has not run

    check = consent_check(subject_ref=subject.external_ref, purpose_code="scoring", now=WINDOW)
    assert (check.allowed, check.reason) == (True, "legal_basis")
    assert _told(subject, now=WINDOW) == {"Scoring Co"}


def test_before_the_move_takes_effect_the_purpose_still_rests_on_consent():
    _rebased("scoring", "Scoring Co", before="consent", after="contract")

    assert _told(make_subject(), now=IN_FORCE - timedelta(minutes=1)) == set()


def _queries_judging(count: int) -> int:
    """The queries a rectification makes with `count` more rebased purposes, none sharing the corrected
    field (so none is told, and only the judgement of their bases varies)."""
    for index in range(count):
        make_purpose(
            f"kyc-{count}-{index}",
            legal_basis="consent",
            category="analytics",
            data_categories=["identity"],
            recipients=[make_recipient(f"KYC Co {count}-{index}", kind="processor")],
            effective_at=NOW - timedelta(days=60),
        )
        services.purpose_update(
            actor=SYSTEM,
            code=f"kyc-{count}-{index}",
            changes={"legal_basis": "contract"},
            effective_at=IN_FORCE,
            now=NOW,
        )
        announce_on_time(f"kyc-{count}-{index}")
    subject = make_subject()
    with CaptureQueriesContext(connection) as queries:
        _told(subject, now=WINDOW)
    return len(queries.captured_queries)


def test_the_purposes_versions_are_read_at_once_not_once_a_purpose():
    assert _queries_judging(1) == _queries_judging(4)
