"""The deadline report and the regulator's monthly figures (`dsr.reports`) as CSV: codes and numbers for a
spreadsheet, columns only ever added at the end so that readers by position keep theirs."""

from __future__ import annotations

import io
from typing import Any

from core.spreadsheets import SpreadsheetWriter

CSV_COLUMNS = (
    "section",
    "key",
    "open",
    "due_today",
    "due_soon",
    "overdue",
    "closed",
    "closed_on_time",
    "on_time_rate",
    "closed_within_law",
    # Added last, so that readers by position keep theirs: the rows of `by_type_and_status`.
    "status",
    "count",
    # Then each clock on its own (`overdue` is the binding figure, either deadline passed).
    "overdue_bank",
    "overdue_statutory",
    "overdue_acknowledgement",
    "within_law_rate",
    # Then the requests acknowledged in the period, by their acknowledgement deadline (Law 91).
    "acknowledged_on_time",
    "acknowledged_late",
    # Then the deadlines breached in the period (`breaches` lines: `key` the source, `clock`, `count`),
    # and the line's label in the reader's language.
    "clock",
    "label",
    # Then the requests whose deadline was extended in the period (Law 91: once, with a reason).
    "extended",
    # Then the requests received in the period that repeat an earlier one (excessive repetition).
    "repeats",
)


MONTHLY_COLUMNS = (
    "type",
    "received",
    "closed",
    "closed_on_time",
    "closed_late",
    "open_at_end",
    "overdue_at_end",
    "overdue_in_month",
    # Added last, so that readers by position keep theirs: what makes the month reconcile.
    "open_at_start",
    "cancelled",
    # Then the month's acknowledgements, by their acknowledgement deadline (Law 91: 2 working days).
    "acknowledged_on_time",
    "acknowledged_late",
    # Cancellations that came after the deadline had passed (counted in overdue_in_month too).
    "cancelled_late",
    # Deadlines extended in the month (Law 91: once, with a reason).
    "extended",
    # Then the `refusals` lines: the month's refusals and partial answers, by status and legal reason.
    "status",
    "reason",
    "count",
    "label",
    # Then the requests received in the month that repeat an earlier one (excessive repetition).
    "repeats",
)


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV: one line for the totals, each request type, each channel, the duties, one
    `type_and_status` line per type and status counted (`key` the type, then `status`, `count`: the
    JSON's `by_type_and_status`), and one `breaches` line per source and clock whose deadlines the
    period breached (`key` the source, then `clock`, `count`: the JSON's `breaches`), and one `refusals`
    line per status and legal reason of the refusals and partial answers closed in it (`key` the reason,
    then `status`, `count`: the JSON's `refusals`). Types, channels, breaches and reasons carry their
    label, worded as `report_labelled` left them."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(CSV_COLUMNS)

    def line(section: str, key: str, figures: dict[str, Any]) -> None:
        writer.writerow([section, key, *[figures.get(column, "") for column in CSV_COLUMNS[2:]]])

    line("total", "all", report["totals"])
    for section in ("by_type", "by_channel"):
        for row in report[section]:
            line(section.removeprefix("by_"), row["key"], row)
    duties = report["withdrawal_duties"]
    # A duty is acknowledged by its recipient: those are its closed and closed-on-time figures.
    line(
        "withdrawal_duties",
        "all",
        {
            **{k: duties[k] for k in ("open", "due_soon", "overdue", "on_time_rate")},
            "closed": duties["acknowledged"],
            "closed_on_time": duties["acknowledged_on_time"],
        },
    )
    for row in report["by_type_and_status"]:
        line("type_and_status", row["type"], {"status": row["status"], "count": row["count"]})
    for row in report["breaches"]:
        label = f"{row['source_label']}: {row['clock_label']}"
        line("breaches", row["source"], {"clock": row["clock"], "count": row["count"], "label": label})
    for row in report["refusals"]:
        refused = {"status": row["status"], "count": row["count"], "label": row["label"]}
        line("refusals", row["reason"], refused)
    return out.getvalue()


def monthly_csv(month: dict[str, Any], *, bank_name: str, refusals: list[dict[str, Any]]) -> str:
    """The monthly figures as CSV (codes and numbers, for the regulator's spreadsheet): a line per request
    type, then one `refusals` line per status and legal reason of the month's refusals and partial
    answers (`refusals`: the labelled `deadline_report(...)["refusals"]` of the month, the table the
    monthly page shows), then the totals, last as ever."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(["bank", bank_name])
    # `as_of`, added last: a month not yet over is counted up to then (its figures so far).
    writer.writerow(["since", month["since"].isoformat(), "until", month["until"].isoformat(),
                     "as_of", month["as_of"].isoformat()])
    writer.writerow(MONTHLY_COLUMNS)
    refusal_lines = [{"type": "refusals", **row} for row in refusals]
    for row in [*month["by_type"], *refusal_lines, {**month["totals"], "type": "total"}]:
        writer.writerow([row.get(c, "") for c in MONTHLY_COLUMNS])
    return out.getvalue()
