"""A policy period in words with its unit and the plural the language needs ("1 calendar month",
"15 working days", "15 ngày làm việc"), for the pages that show the deadline policy or quote the bank's
commitment."""

from __future__ import annotations

from django import template
from django.utils.translation import ngettext

from deadlines.models import PeriodUnit
from deadlines.policy import bank_commitment

register = template.Library()


def _hours(count: int) -> str:
    return ngettext("%(count)s hour", "%(count)s hours", count) % {"count": count}


def _days(count: int) -> str:
    return ngettext("%(count)s calendar day", "%(count)s calendar days", count) % {"count": count}


def _working_days(count: int) -> str:
    return ngettext("%(count)s working day", "%(count)s working days", count) % {"count": count}


def _months(count: int) -> str:
    return ngettext("%(count)s calendar month", "%(count)s calendar months", count) % {"count": count}


_IN_WORDS = {
    PeriodUnit.HOURS: _hours,
    PeriodUnit.DAYS: _days,
    PeriodUnit.WORKING_DAYS: _working_days,
    PeriodUnit.MONTHS: _months,
}


@register.filter
def period_in(amount: int | None, unit: str) -> str:
    """`{{ row.period|period_in:row.unit }}`; an empty period (the regime sets none) is a dash."""
    if amount is None:
        return "—"
    return _IN_WORDS[PeriodUnit(unit)](amount)


@register.simple_tag
def bank_commitment_period(request_type: str, processor_involved: bool = False) -> str:
    """`{% bank_commitment_period "withdraw" True as within %}`: the period that times that work, as the
    policy in force sets it (`deadlines.policy.bank_commitment`), in words (a dash where no row sets one)."""
    period = bank_commitment(request_type, processor_involved=processor_involved)
    return period_in(None, "") if period is None else period_in(*period)
