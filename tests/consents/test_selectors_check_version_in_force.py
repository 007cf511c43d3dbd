"""Once a new version of a purpose takes effect, every answer follows it, before the job copies its scope
onto the purpose row (up to five minutes later): the live check, the campaign check and the check as of
that moment agree, and a grant or refusal is judged by the legal basis in force."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.models import Purpose
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


@pytest.mark.parametrize("named", [False, True], ids=["every consent", "the purpose named"])
def test_withdrawing_several_in_the_window_takes_the_one_the_new_basis_lets_the_customer_give(named):
    purpose = make_purpose(
        "svc", legal_basis="contract", category="support", effective_at=NOW - timedelta(days=60)
    )
    _rebase("svc", "consent")
    consent = grant(purpose=purpose, now=WINDOW)
    withdrawn = services.consents_withdraw_for_subject(
        actor=SYSTEM, subject=consent.subject, purposes=[purpose] if named else None, channel="branch",
        now=WINDOW + timedelta(seconds=30),
    )
    assert [c.pk for c in withdrawn] == [consent.pk]


def test_withdrawing_every_consent_in_the_window_leaves_a_purpose_no_longer_consent_based():
    """The customer's "withdraw everything" must not fail for five minutes because one purpose has just
    moved to a contract basis: that consent is no longer what the bank relies on, so it is left."""
    make_purpose("svc", legal_basis="consent", category="support", effective_at=NOW - timedelta(days=60))
    newsletter = make_purpose("news", category="marketing", effective_at=NOW - timedelta(days=60))
    subject = make_subject()
    grant(subject=subject, purpose=newsletter, now=NOW)
    grant(subject=subject, purpose=Purpose.objects.get(code="svc"), now=NOW)
    _rebase("svc", "contract")
    withdrawn = services.consents_withdraw_for_subject(
        actor=SYSTEM, subject=subject, purposes=None, channel="branch", now=WINDOW
    )
    assert [c.purpose.code for c in withdrawn] == ["news"]
    with pytest.raises(Conflict) as refused:
        services.consents_withdraw_for_subject(
            actor=SYSTEM, subject=subject, purposes=[Purpose.objects.get(code="svc")], channel="branch",
            now=WINDOW,
        )
    assert refused.value.code == "not_consent_based"
