"""The request queue as CSV, for the DPO's reconciliation of the requests closed in a month: each request
with its type, its dates, both clocks (the bank's committed deadline and the statutory one) and whether it
was closed after each. Times in Vietnam time with their offset; yes/no as fixed words a spreadsheet filters
on. No customer's personal data: the request reference finds the rest in the platform."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone

from core.spreadsheets import SpreadsheetWriter
from dsr.models import DataSubjectRequest

QUEUE_CSV_COLUMNS = [
    "reference", "type", "type_label", "status", "channel", "received_at", "acknowledge_by",
    "acknowledged_at", "due_at", "statutory_due_at", "answer_by", "extended", "closed_at",
    "late_bank_deadline", "late_statutory_deadline", "late",
]


def _moment(value) -> str:
    return timezone.localtime(value).isoformat() if value is not None else ""


def _late(closed_at, deadline) -> str:
    return _yes_no(None if closed_at is None or deadline is None else closed_at > deadline)


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "no")


def queue_csv(requests: Iterable[DataSubjectRequest]) -> str:
    """One line per request (annotated by `dsr.selectors.with_closed_late`). `late_bank_deadline` against
    `due_at`, `late_statutory_deadline` against `statutory_due_at`, both empty while the request is open;
    `late` as the queue's "closed late" filter and the report's on-time figure count it, empty also for a
    request cancelled in time, which counts for no rate."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(QUEUE_CSV_COLUMNS)
    for request in requests:
        writer.writerow([
            request.reference, request.type, request.get_type_display(), request.status, request.channel,
            _moment(request.received_at), _moment(request.acknowledge_by), _moment(request.acknowledged_at),
            _moment(request.due_at), _moment(request.statutory_due_at), _moment(request.answer_by),
            _yes_no(request.extended_at is not None), _moment(request.closed_at),
            _late(request.closed_at, request.due_at), _late(request.closed_at, request.statutory_due_at),
            _yes_no(request.late_for_rates),
        ])
    return out.getvalue()
