"""The bank's own commitment checked against the law (UX review): a bank row whose deadline can fall
after the statutory deadline for the same type is found, with an example, so the policy page can warn
the DPO (the customer is promised the earlier date, `binding_deadline`, but the bank's own target is
then looser than the law)."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.models import DeadlinePolicy
from deadlines.selectors import policy_rows_looser_than_law

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


def test_the_default_complaint_commitment_is_looser_than_law_91():
    """15 working days (the bank) end after the 15 days of Law 91 for every complaint."""
    findings = policy_rows_looser_than_law(today=TODAY)
    bank = DeadlinePolicy.objects.get(regime="bank", request_type="complaint")
    assert set(findings) == {bank.pk}
    (finding,) = findings[bank.pk]
    assert finding.statutory_row.regime == "vn_law91"
    assert finding.received_on == TODAY
    assert finding.bank_due > finding.statutory_due


def test_a_commitment_within_the_law_is_not_flagged():
    DeadlinePolicy.objects.filter(regime="bank", request_type="complaint").update(period=10, unit="days")
    assert policy_rows_looser_than_law(today=TODAY) == {}


def test_working_days_pass_the_law_over_the_holidays():
    """10 working days stay within 15 days most of the year, not over the New Year's day off: a complaint
    received on Friday 18 December 2026 is due on 4 January 2027 by the bank, 2 January by the law."""
    DeadlinePolicy.objects.filter(regime="bank", request_type="complaint").update(period=10)
    (finding,) = policy_rows_looser_than_law(today=TODAY)[
        DeadlinePolicy.objects.get(regime="bank", request_type="complaint").pk
    ]
    assert finding.received_on == date(2026, 12, 18)


def test_rows_off_or_out_of_force_are_not_compared():
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="complaint").update(active=False)
    assert policy_rows_looser_than_law(today=TODAY) == {}
    # A law in force only after the horizon is not compared either.
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="complaint").update(
        active=True, effective_from=date(2028, 6, 1)
    )
    assert policy_rows_looser_than_law(today=TODAY) == {}


def test_a_commitment_that_passes_the_law_only_on_some_days_is_flagged():
    """A month is 28 to 31 days: a bank month against a 30-day law passes it after 31-day months."""
    DeadlinePolicy.objects.filter(regime="bank", request_type="access").update(period=1, unit="months")
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access").update(period=30)
    findings = policy_rows_looser_than_law(today=date(2027, 2, 1))
    bank = DeadlinePolicy.objects.get(regime="bank", request_type="access")
    (finding,) = findings[bank.pk]
    # From February on, the first month of 31 days is March: received 1 March, due 1 April vs 31 March.
    assert finding.received_on == date(2027, 3, 1)
