"""The API's JSON, with every date-time in local time, and the CSV answer of its reports
(`?format=csv`); the same report is JSON otherwise."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.moments import local_iso
from core.spreadsheets import spreadsheet_file

# The `format` parameter of a report that also speaks CSV, as the API's schema documents it.
CSV_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description=(
        "`csv` for a spreadsheet: UTF-8 starting with a byte-order mark, so Excel shows Vietnamese; "
        "a script decodes it as `utf-8-sig` (most CSV libraries drop the mark themselves)."
    ),
)


class LocalTimeJSONEncoder(JSONEncoder):
    """DRF's encoder, but a date-time left in an answer as a value (a report's `generated_at`, a
    check's `checked_at`) is written as DRF's DateTimeField writes a record's: local time with its
    offset, not UTC with `Z`, so one answer never mixes two forms."""

    def default(self, obj):
        if isinstance(obj, datetime) and timezone.is_aware(obj):
            return local_iso(obj)
        return super().default(obj)


class LocalTimeJSONRenderer(JSONRenderer):
    """The API's JSON renderer (settings `DEFAULT_RENDERER_CLASSES`, and views naming their own)."""

    encoder_class = LocalTimeJSONEncoder


class ReportCSVRenderer(BaseRenderer):
    """A report as CSV, with the byte-order mark spreadsheet programs need to read it as UTF-8
    (`core.spreadsheets`). A subclass names `report_key`, the key only its report has, and writes the
    report's CSV in `report_csv`."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    report_key: str

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and self.report_key in data:
            return spreadsheet_file(self.report_csv(data)).encode()
        # Errors keep their JSON body even when CSV was asked for.
        return LocalTimeJSONRenderer().render(data)

    def report_csv(self, report: dict) -> str:
        raise NotImplementedError


def csv_download(request, response: Response, filename: str) -> Response:
    """`response` as a file to save under `filename` when the client asked for CSV."""
    if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format == "csv":
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
