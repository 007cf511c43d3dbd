"""Which customers a breach reaches judges each purpose by the version in force while the breach went on
(from the violation to its detection), as the consent check judges it, not by the purpose row, which
the job updates only minutes after a new version takes effect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consents import services as consent_services
from consents.models import Purpose
from consents.selectors import consent_check
from regulator import services
from regulator.selectors import breach_affected_subjects
from tests.consents.factories import SYSTEM, announce_on_time, grant, make_purpose
from tests.regulator.factories import DPO, MONDAY, make_breach, make_customer, make_inventory

pytestmark = pytest.mark.django_db
IN_FORCE = MONDAY + timedelta(days=30, minutes=1)
WINDOW = IN_FORCE + timedelta(minutes=1)  # the version took effect; the job has not run yet


def _profiling_on_the_crm(*, before: str, after: str, effective_at=IN_FORCE) -> Purpose:
    """A purpose processed in the CRM over contact data, its basis moved from `before` to `after` by a
    version taking effect at `effective_at`."""
    make_purpose(
        "profiling", legal_basis=before, category="analytics", effective_at=MONDAY - timedelta(days=60)
    )
    services.activity_save(
        actor=DPO,
        purpose_code="profiling",
        systems=["crm"],
        categories=["contact"],
        started_at=MONDAY - timedelta(days=60),
        now=MONDAY,
    )
    consent_services.purpose_update(
        actor=SYSTEM, code="profiling", changes={"legal_basis": after}, effective_at=effective_at, now=MONDAY
    )
    announce_on_time("profiling")
    return Purpose.objects.get(code="profiling")


def test_a_breach_in_the_window_after_a_move_to_contract_reaches_every_customer():
    """The row still says consent: judged by it, only the customer who consented was to be told, while
    the check already let the bank process everyone's data under the contract."""
    make_inventory()
    purpose = _profiling_on_the_crm(before="consent", after="contract")
    consented = make_customer()
    grant(consented, purpose, notice_version="v1", now=MONDAY)
    never_asked = make_customer()
    assert Purpose.objects.get(code="profiling").legal_basis == "consent"  # the job has not run

    breach = make_breach(
        systems=["crm"], categories=["contact"], occurred_at=WINDOW, detected_at=WINDOW + timedelta(minutes=2)
    )

    check = consent_check(subject_ref=never_asked.external_ref, purpose_code="profiling", now=WINDOW)
    assert (check.allowed, check.reason) == (True, "legal_basis")
    assert set(breach_affected_subjects(breach)) == {consented, never_asked}


def test_a_breach_before_a_move_to_consent_reaches_every_customer_of_the_contract_then():
    """The breach was over before the purpose moved to consent: every customer's data was there under the
    contract, whatever the row says once the job has run."""
    make_inventory()
    _profiling_on_the_crm(before="contract", after="consent")
    customer = make_customer()
    consent_services.purpose_versions_apply_due(now=WINDOW)
    assert Purpose.objects.get(code="profiling").legal_basis == "consent"

    breach = make_breach(systems=["crm"], categories=["contact"], detected_at=MONDAY + timedelta(days=1))

    assert list(breach_affected_subjects(breach)) == [customer]


def test_the_reach_reads_the_versions_of_all_purposes_at_once(django_assert_max_num_queries):
    make_inventory()
    _profiling_on_the_crm(before="consent", after="contract")
    make_customer()
    breach = make_breach(
        systems=["crm"], categories=["contact"], occurred_at=WINDOW, detected_at=WINDOW + timedelta(minutes=2)
    )

    # The breach's systems and categories, the purposes with their versions, the customers; no query
    # a purpose.
    with django_assert_max_num_queries(6):
        list(breach_affected_subjects(breach))
