"""Deadline periods in words, with their unit and the plural the language needs ("1 calendar month",
"15 working days", "15 ngày làm việc"), and the period a page quotes named by whose it is: the pages
that show the deadline policy, the pages and texts that tell how soon recipients must stop."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

from deadlines.models import PeriodUnit
from deadlines.policy import binding_period


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

NO_PERIOD = "—"


def period_in_words(amount: int | None, unit: str) -> str:
    """"15 working days"; an empty period (the regime sets none) is a dash."""
    if amount is None:
        return NO_PERIOD
    return _IN_WORDS[PeriodUnit(unit)](amount)


def binding_period_in_words(request_type: str, *, processor_involved: bool = False) -> str:
    """Only the period that times work of `request_type` now, "48 hours" (a dash where no row sets one):
    a label that must not say the 72 hours of the first bank that ran the platform."""
    period = binding_period(request_type, processor_involved=processor_involved)
    return NO_PERIOD if period is None else period_in_words(period.amount, period.unit)


def binding_period_named(request_type: str, *, processor_involved: bool = False) -> str:
    """The period that times work of `request_type` now (`deadlines.policy.binding_period`), named by
    whose it is: "the bank's commitment (72 hours)", or "the legal deadline (20 calendar days)" where the
    bank sets none and the law's period times the work; a dash where no row sets one."""
    period = binding_period(request_type, processor_involved=processor_involved)
    if period is None:
        return NO_PERIOD
    words = period_in_words(period.amount, period.unit)
    if period.is_bank_commitment:
        return gettext("the bank's commitment (%(period)s)") % {"period": words}
    return gettext("the legal deadline (%(period)s)") % {"period": words}
