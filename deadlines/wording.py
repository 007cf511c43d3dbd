"""Deadline periods in words, with their unit and the plural the language needs ("1 calendar month",
"15 working days", "15 ngày làm việc"), and the period a page quotes named by whose it is: the pages
that show the deadline policy, the pages and texts that tell how soon recipients must stop."""

from __future__ import annotations

from datetime import datetime
from functools import reduce
from itertools import groupby

from django.utils.translation import gettext, ngettext

from deadlines.history import PolicyHistory
from deadlines.models import PeriodUnit
from deadlines.policy import BindingPeriod, binding_period, binding_period_among


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
    return _named(binding_period(request_type, processor_involved=processor_involved))


def binding_periods_named_between(
    request_type: str, since: datetime, until: datetime, *, processor_involved: bool = False
) -> str:
    """The periods that timed work of `request_type` received in `[since, until)`, as the rules stood then
    (`deadlines.history`: a report of a past month quotes that month's, not today's), each named as
    `binding_period_named` names it: one, or each in turn where the DPO changed it within ("the bank's
    commitment (72 hours), then the bank's commitment (48 hours)")."""
    history = PolicyHistory.since(request_type, since)
    moments = [since, *history.changes_between(since, until)]
    named = (
        _named(binding_period_among(history.in_force(at), at, processor_involved=processor_involved))
        for at in moments
    )
    # A period changed and changed back is quoted in each turn; only a change that named the same is merged.
    return reduce(_then, (name for name, _turn in groupby(named)))


def _then(before: str, after: str) -> str:
    return gettext("%(before)s, then %(after)s") % {"before": before, "after": after}


def _named(period: BindingPeriod | None) -> str:
    if period is None:
        return NO_PERIOD
    words = period_in_words(period.amount, period.unit)
    if period.is_bank_commitment:
        return gettext("the bank's commitment (%(period)s)") % {"period": words}
    return gettext("the legal deadline (%(period)s)") % {"period": words}
