"""The deadline report pages: the portal page with its charts (server-drawn SVG, no JavaScript), and
the monthly and yearly reports printed for the regulator and the board. DPO, auditor and privacy
officers may read them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from core.access import staff_required
from core.errors import InvalidInput
from core.moments import parse_day, period_check
from core.replica import replica_reads
from core.spreadsheets import spreadsheet_download
from deadlines.local_days import local_year
from deadlines.policy import LOCAL_TZ, add_months, local_midnight, local_month
from dsr.charts import backlog_chart, trend_chart
from dsr.report_csv import monthly_csv, report_csv
from dsr.reports import deadline_report, monthly_figures, on_time_trend
from dsr.views import report_periods


@staff_required("deadlines.view_deadline_report")
def deadlines(request):
    period_error = None
    try:
        since_day = parse_day(request.GET.get("since"), field="since")
        until_day = parse_day(request.GET.get("until"), field="until")
        period_check(since_day, until_day)
    except InvalidInput as error:
        since_day = until_day = None
        period_error = error.text
    since = local_midnight(since_day) if since_day else None
    until = local_midnight(until_day) if until_day else None
    if request.GET.get("format") == "csv" and period_error:
        # A download has no page to show the message on; the default period would mislabel the file.
        return HttpResponseBadRequest(period_error, content_type="text/plain; charset=utf-8")
    with replica_reads():
        report = deadline_report(since=since, until=until)
        trend = on_time_trend()
    if request.GET.get("format") == "csv":
        return spreadsheet_download(report_csv(report), "deadline-report.csv")
    today = timezone.localdate(timezone.now(), LOCAL_TZ)
    last_month = add_months(today.replace(day=1), -1)
    return render(
        request,
        "dsr/reports/deadlines.html",
        {
            "report": report,
            "trend": trend_chart(trend),
            "backlog": backlog_chart(report["by_type"]),
            "last_month": last_month,
            "period_error": period_error,
        },
    )


# The years a printed report may name (a request received before 2000 is not on file).
REPORT_YEARS = range(2000, 2101)


def _period_report(request, *, since, until, template: str, file_name: str, context: dict):
    """A closed or current period's figures as the regulator reads them (`monthly_figures`), printable, or
    as CSV: a period not yet over is counted up to now; one not begun has no figures (counted up to now,
    it would show today's open requests as open at its start and end), so there is no such report."""
    if since > timezone.now():
        raise Http404
    now = min(timezone.now(), until)
    with replica_reads():
        report = deadline_report(now=now, since=since, until=until)
        figures = monthly_figures(since=since, until=until, now=now)
    if request.GET.get("format") == "csv":
        return spreadsheet_download(
            monthly_csv(figures, bank_name=settings.BANK_NAME, refusals=report["refusals"]), file_name
        )
    return render(
        request, template, {"report": report, "figures": figures, "bank_name": settings.BANK_NAME, **context}
    )


@staff_required("deadlines.view_deadline_report")
def monthly(request, year: int, month: int):
    if not (1 <= month <= 12 and year in REPORT_YEARS):
        raise Http404
    first = date(year, month, 1)
    since, until = local_month(first)
    return _period_report(
        request, since=since, until=until, template="dsr/reports/monthly.html",
        file_name=f"deadline-report-{first:%Y-%m}.csv",
        context={"month": first, "period": report_periods.MONTH},
    )


@staff_required("deadlines.view_deadline_report")
def yearly(request, year: int):
    """The calendar year in Vietnam time, for the board's and the regulator's yearly figures: a request
    spanning the new year is counted once in each of the two years' figures (`monthly_figures`), which
    the sum of twelve monthly reports is not (a request open across month ends is counted each month)."""
    if year not in REPORT_YEARS:
        raise Http404
    since, until = local_year(year)
    return _period_report(
        request, since=since, until=until, template="dsr/reports/yearly.html",
        file_name=f"deadline-report-{year}.csv", context={"year": year, "period": report_periods.YEAR},
    )
