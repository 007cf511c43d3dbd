"""How the monthly and yearly deadline reports name their period: the labels the shared figures partial
(`dsr/reports/_period_figures.html`) prints and the prefixes of the test ids it and the shared page
(`dsr/reports/_period_report.html`) give. Wording only; what is counted in a period is
`dsr.reports.monthly_figures`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PeriodLabels:
    figures_testid: str
    page_testid: str
    open_at_start: Promise
    open_at_end: Promise
    overdue_at_end: Promise
    overdue_in: Promise
    acknowledged_on_time: Promise
    acknowledged_late: Promise
    extended: Promise
    repeats: Promise
    by_type_caption: Promise
    column_open_at_start: Promise
    column_open_at_end: Promise
    column_overdue_at_end: Promise
    column_overdue_in: Promise


MONTH = PeriodLabels(
    figures_testid="month",
    page_testid="monthly",
    open_at_start=_("open at the start of the month"),
    open_at_end=_("still open at the end of the month"),
    overdue_at_end=_("still open and overdue at the end of the month"),
    overdue_in=_(
        "overdue in the month (answered or cancelled after a deadline had passed, or overdue at its end)"
    ),
    acknowledged_on_time=_("acknowledged on time in the month"),
    acknowledged_late=_("acknowledged late in the month (after the acknowledgement deadline)"),
    extended=_("deadlines extended in the month (once per request, with a reason)"),
    repeats=_("received in the month repeating an earlier request of the customer's"),
    by_type_caption=_(
        "Requests in the month, by type (deadline: the earlier of the bank's and the statutory one)"
    ),
    column_open_at_start=_("Open at month start"),
    column_open_at_end=_("Open at month end"),
    column_overdue_at_end=_("Overdue at month end"),
    column_overdue_in=_("Overdue in the month"),
)

YEAR = PeriodLabels(
    figures_testid="year",
    page_testid="yearly",
    open_at_start=_("open at the start of the year"),
    open_at_end=_("still open at the end of the year"),
    overdue_at_end=_("still open and overdue at the end of the year"),
    overdue_in=_(
        "overdue in the year (answered or cancelled after a deadline had passed, or overdue at its end)"
    ),
    acknowledged_on_time=_("acknowledged on time in the year"),
    acknowledged_late=_("acknowledged late in the year (after the acknowledgement deadline)"),
    extended=_("deadlines extended in the year (once per request, with a reason)"),
    repeats=_("received in the year repeating an earlier request of the customer's"),
    by_type_caption=_(
        "Requests in the year, by type (deadline: the earlier of the bank's and the statutory one)"
    ),
    column_open_at_start=_("Open at year start"),
    column_open_at_end=_("Open at year end"),
    column_overdue_at_end=_("Overdue at year end"),
    column_overdue_in=_("Overdue in the year"),
)
