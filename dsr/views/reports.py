"""The deadline report pages: the portal page with its charts (server-drawn SVG, no JavaScript) and
the monthly report printed for the regulator. DPO, auditor and privacy officers may read them."""

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
from deadlines.policy import LOCAL_TZ, add_months, local_midnight, local_month
from dsr.charts import backlog_chart, trend_chart
from dsr.report_csv import monthly_csv, report_csv
from dsr.reports import deadline_report, monthly_figures, on_time_trend


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


@staff_required("deadlines.view_deadline_report")
def monthly(request, year: int, month: int):
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    first = date(year, month, 1)
    since, until = local_month(first)
    now = min(timezone.now(), until)
    with replica_reads():
        report = deadline_report(now=now, since=since, until=until)
        figures = monthly_figures(since=since, until=until, now=now)
    if request.GET.get("format") == "csv":
        return spreadsheet_download(
            monthly_csv(figures, bank_name=settings.BANK_NAME, refusals=report["refusals"]),
            f"deadline-report-{first:%Y-%m}.csv",
        )
    return render(
        request,
        "dsr/reports/monthly.html",
        {"report": report, "month": first, "figures": figures, "bank_name": settings.BANK_NAME},
    )
