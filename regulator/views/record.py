"""The record of processing activities for an inspection: printable page, JSON and CSV."""

from __future__ import annotations

import csv

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render

from audit.services import audit_record
from core.access import staff_required
from core.actors import actor_for_user
from regulator.documents import PROCESSING_RECORD_CSV_COLUMNS, processing_record_rows
from regulator.documents import processing_record as build_record
from regulator.views.common import json_download


@staff_required("regulator.view_regulator")
def processing_record(request):
    record = build_record()
    fmt = request.GET.get("format")
    if fmt == "json":
        return json_download(
            request,
            record,
            filename="processing-record.json",
            action="regulator.record.exported",
            audit_data={"entries": len(record["entries"])},
        )
    if fmt == "csv":
        with transaction.atomic(durable=True):
            audit_record(
                action="regulator.record.exported",
                actor=actor_for_user(request.user),
                data={"format": "csv", "entries": len(record["entries"])},
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="processing-record.csv"'
        response.write("\ufeff")  # a BOM so spreadsheet programs read the Vietnamese correctly
        writer = csv.writer(response)
        writer.writerow(PROCESSING_RECORD_CSV_COLUMNS)
        writer.writerows(processing_record_rows(record))
        return response
    return render(request, "regulator/processing_record.html", {"record": record})
