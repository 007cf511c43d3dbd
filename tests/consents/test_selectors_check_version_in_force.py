"""Once a new version of a purpose takes effect, every answer follows it, before the job copies its scope
onto the purpose row (up to five minutes later): the live check, the campaign check and the check as of
that moment agree, and a grant or refusal is judged by the legal basis in force."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.selectors import consent_check, consent_check_as_of, consent_check_bulk
from core.errors import Conflict
from tests.consents.factories import SYSTEM, announce_on_time, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
IN_FORCE = NOW + timedelta(days=30)
WINDOW = IN_FORCE + timedelta(minutes=1)  # the version took effect; the job has not run yet


def _rebase(code: str, legal_basis: str):
    services.purpose_update(
        actor=SYSTEM, code=code, changes={"legal_basis": legal_basis}, effective_at=IN_FORCE, now=NOW
    )
    announce_on_time(code)


def _answers(subject, code: str) -> set:
    live = consent_check(subject_ref=subject.external_ref, purpose_code=code, now=WINDOW)
    past = consent_check_as_of(subject_ref=subject.external_ref, purpose_code=code, at=WINDOW)
    bulk = consent_check_bulk(purpose_code=code, subject_refs=[subject.external_ref], now=WINDOW)
    return {(a.allowed, a.reason) for a in (live, past, bulk[subject.external_ref])}


def test_a_contract_purpose_turned_consent_based_needs_consent_from_its_date():
    make_purpose("svc", legal_basis="contract", category="support", effective_at=NOW - timedelta(days=60))
    subject = make_subject()
    _rebase("svc", "consent")
    assert _answers(subject, "svc") == {(False, "no_consent")}


def test_a_consent_purpose_turned_contract_based_is_allowed_by_it_from_its_date():
    make_purpose("svc", legal_basis="consent", category="support", effective_at=NOW - timedelta(days=60))
    subject = make_subject()
    _rebase("svc", "contract")
    assert _answers(subject, "svc") == {(True, "legal_basis")}


def test_a_grant_in_the_window_is_judged_by_the_basis_in_force():
    purpose = make_purpose(
        "svc", legal_basis="contract", category="support", effective_at=NOW - timedelta(days=60)
    )
    _rebase("svc", "consent")
    consent = grant(purpose=purpose, now=WINDOW)
    assert consent.status == "granted"
    answer = consent_check(subject_ref=consent.subject.external_ref, purpose_code="svc", now=WINDOW)
    assert (answer.allowed, answer.reason) == (True, "granted")


def test_a_grant_in_the_window_of_a_purpose_no_longer_consent_based_is_refused():
    purpose = make_purpose(
        "svc", legal_basis="consent", category="support", effective_at=NOW - timedelta(days=60)
    )
    _rebase("svc", "contract")
    with pytest.raises(Conflict) as refused:
        grant(purpose=purpose, now=WINDOW)
    assert refused.value.code == "not_consent_based"


def test_a_consent_given_in_the_window_can_be_withdrawn_in_it():
    """Withdrawing is as easy as giving: the basis in force lets the customer withdraw what it let them
    give, before the job copies the version onto the purpose row."""
    purpose = make_purpose(
        "svc", legal_basis="contract", category="support", effective_at=NOW - timedelta(days=60)
    )
    _rebase("svc", "consent")
    consent = grant(purpose=purpose, now=WINDOW)
    withdrawn = services.consent_withdraw(
        actor=SYSTEM, consent_id=consent.pk, channel="branch", now=WINDOW + timedelta(seconds=30)
    )
    assert withdrawn.status == "withdrawn"
