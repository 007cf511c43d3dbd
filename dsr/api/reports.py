"""`GET /api/v1/reports/deadlines/`: the deadline report as JSON, or CSV with `?format=csv`."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import report_parameters_check
from core.api.renderers import CSV_FORMAT_PARAMETER, LocalTimeJSONRenderer, ReportCSVRenderer, csv_download
from core.moments import parse_day, period_check
from core.replica import replica_reads
from deadlines.policy import local_midnight
from dsr.report_csv import report_csv
from dsr.reports import deadline_report


class DeadlineReportCSVRenderer(ReportCSVRenderer):
    report_key = "totals"

    def report_csv(self, report: dict) -> str:
        return report_csv(report)


def _day(params, name: str):
    day = parse_day(params.get(name), field=name)
    return local_midnight(day) if day else None


REPORT_PARAMETERS = [
    OpenApiParameter("since", OpenApiTypes.DATE, description="First day of the period (local time)."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Day after the period (default: now)."),
]


class DeadlineReportView(APIView):
    required_permissions = {"GET": "deadlines.view_deadline_report"}
    required_scopes = {"GET": "reports:read"}
    renderer_classes = [LocalTimeJSONRenderer, DeadlineReportCSVRenderer]

    @extend_schema(
        parameters=[*REPORT_PARAMETERS, CSV_FORMAT_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Counts of open requests by type, channel and status: due today and within 24 hours (by the "
            "answer-by date), overdue (either deadline passed), and on each clock `overdue_bank`, "
            "`overdue_statutory`, `overdue_acknowledgement` (a bank clock paused awaiting the customer is "
            "not overdue); on-time and within-the-law rates of the requests closed in the period (default: "
            "the last 30 days); `acknowledged_on_time` and `acknowledged_late` of the requests acknowledged "
            "in the period, against their acknowledgement deadline (`acknowledge_by`); `extended`, the "
            "requests whose deadline was extended in the period (Law 91: once, with a reason); `repeats`, "
            "the requests received in the period that repeat an earlier open one (`repeat_of`); breaches by "
            "the period their deadline passed in; `refusals`, the refusals and partial answers closed in the "
            "period by status and legal reason; `to_act_on`, the requests to act on now (`total`, the "
            "first 50 `requests`)."
        ),
    )
    def get(self, request, *args, **kwargs):
        report_parameters_check(request.query_params, REPORT_PARAMETERS)
        since, until = _day(request.query_params, "since"), _day(request.query_params, "until")
        period_check(since, until)
        with replica_reads():
            report = deadline_report(since=since, until=until)
        return csv_download(request, Response(report), "deadline-report.csv")
