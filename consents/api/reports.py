"""`GET /api/v1/reports/consents/`: the consent report of a month (or, with `?year=`, of a calendar year)
as JSON, or CSV with `?format=csv` (the figures of the portal page, `consents.selectors.report`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from consents.reports import report_csv
from consents.selectors.report import consent_report_month, consent_report_year, this_month
from core.api.filters import report_parameters_check
from core.api.renderers import CSV_FORMAT_PARAMETER, LocalTimeJSONRenderer, ReportCSVRenderer, csv_download
from core.db import reads_without_jit
from core.errors import InvalidInput
from core.moments import parse_month, parse_year
from core.replica import replica_reads


class ConsentReportCSVRenderer(ReportCSVRenderer):
    report_key = "by_purpose"

    def report_csv(self, report: dict) -> str:
        return report_csv(report)


REPORT_PARAMETERS = [
    OpenApiParameter(
        "month", str, description="YYYY-MM, local time (default: this month; a later one: 400)."
    ),
    OpenApiParameter(
        "year",
        int,
        description=(
            "YYYY: the calendar year instead of a month, 1 January 00:00 to the next, local time (a year "
            "not begun: 400; with `month`: 400). The answer then has `year` instead of `month`."
        ),
    ),
]


class ConsentReportView(APIView):
    required_permissions = {"GET": "consents.view_consent_report"}
    required_scopes = {"GET": "reports:read"}
    renderer_classes = [LocalTimeJSONRenderer, ConsentReportCSVRenderer]

    @extend_schema(
        parameters=[*REPORT_PARAMETERS, CSV_FORMAT_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Consents in the month, by purpose (`by_purpose`, each with its `channels`) and channel "
            "(`by_channel`): `granted` (a re-grant counts again), `refused`, `withdrawn` (`withdrawn_whole`: "
            "the customer had no consent left; `withdrawn_partial`: they kept another purpose), `expired`, "
            "`superseded` (replaced by a consent to a newer notice), counted from the events, and "
            "`in_force_at_start` and `in_force_at_end` (start + granted - withdrawn - expired - superseded "
            "= end); and by recipient (`recipients`) the stops the "
            "month's withdrawals, expiries, replacements and voids sent, one row per recipient and `cause` "
            "(`withdrawn`; `expired`; `superseded` for a recipient the consent that replaced it no longer "
            "names; or `voided` for a consent in force voided as recorded in error; `cause_label`): `sent`, "
            "`acknowledged_on_time` (by the duty's own due time: the bank's commitment, or the law's period "
            "where the bank sets none), `acknowledged_late`, `open`, "
            "`open_overdue`. Figures stand as of the month's end, or now "
            "(`as_of`). Labels are in the caller's language."
        ),
    )
    def get(self, request, *args, **kwargs):
        report_parameters_check(request.query_params, REPORT_PARAMETERS)
        params = request.query_params
        if "year" in params:
            if "month" in params:
                raise InvalidInput(_("Give a month or a year, not both."), field="year")
            year = parse_year(params["year"], field="year", latest=this_month().year) or this_month().year
            with replica_reads(), reads_without_jit():
                report = consent_report_year(year)
            return csv_download(request, Response(report), f"consent-report-{year}.csv")
        first = parse_month(params.get("month"), field="month", latest=this_month())
        with replica_reads(), reads_without_jit():
            report = consent_report_month(first)
        return csv_download(request, Response(report), f"consent-report-{report['month']:%Y-%m}.csv")
