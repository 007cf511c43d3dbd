"""The consent report page (`/portal/reports/consents/?month=YYYY-MM`, or `?year=YYYY` for a calendar
year) and its CSV (`&format=csv`): read by those who read the deadline report (DPO, privacy officers,
auditors)."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.shortcuts import render

from consents.reports import report_csv, report_tables
from consents.selectors.report import consent_report_month, consent_report_year, this_month
from core.access import staff_required
from core.db import reads_without_jit
from core.errors import InvalidInput
from core.moments import parse_month, parse_year
from core.replica import replica_reads
from core.spreadsheets import spreadsheet_download
from deadlines.policy import add_months


@staff_required("consents.view_consent_report")
def report(request):
    if "year" in request.GET:
        return _year_report(request)
    month_error = None
    try:
        first = parse_month(request.GET.get("month"), field="month", latest=this_month())
    except InvalidInput as error:
        first, month_error = None, error.text
    if request.GET.get("format") == "csv" and month_error:
        # A download has no page to show the message on; this month's figures would mislabel the file.
        return HttpResponseBadRequest(month_error, content_type="text/plain; charset=utf-8")
    with replica_reads(), reads_without_jit():
        figures = consent_report_month(first)
    month = figures["month"]
    if request.GET.get("format") == "csv":
        return spreadsheet_download(report_csv(figures), f"consent-report-{month:%Y-%m}.csv")
    return render(
        request,
        "consents/report.html",
        {
            "report": figures,
            "tables": report_tables(figures),
            "month": month,
            "previous_month": add_months(month, -1),
            "next_month": add_months(month, 1) if month < this_month() else None,
            "month_error": month_error,
        },
    )


def _year_report(request):
    """The calendar year's report (Vietnam time); a year that does not parse or has not begun is said on
    the page (this year's figures under it), and refused for a download."""
    this_year = this_month().year
    year_error = None
    try:
        year = parse_year(request.GET.get("year"), field="year", latest=this_year) or this_year
    except InvalidInput as error:
        year, year_error = this_year, error.text
    if request.GET.get("format") == "csv" and year_error:
        return HttpResponseBadRequest(year_error, content_type="text/plain; charset=utf-8")
    with replica_reads(), reads_without_jit():
        figures = consent_report_year(year)
    if request.GET.get("format") == "csv":
        return spreadsheet_download(report_csv(figures), f"consent-report-{year}.csv")
    return render(
        request,
        "consents/report.html",
        {
            "report": figures,
            "tables": report_tables(figures),
            "year": year,
            "month": this_month(),
            "previous_month": add_months(this_month(), -1),
            "month_error": year_error,
        },
    )
