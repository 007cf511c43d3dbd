"""The consent report as tables (`consents.selectors.report` computes the figures): the rows the
portal page shows and its CSV download writes, built once, so the file says what the page says, in the
reader's language (names and labels, never codes)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import SpreadsheetWriter
from deadlines.policy import LOCAL_TZ

# The figures of each table, in the order of its columns, with their headings. The CSV is read by
# position by the bank's spreadsheets: a figure added later goes after those it had.
CONSENT_COLUMNS = (
    ("granted", gettext_lazy("Granted")),
    ("refused", gettext_lazy("Refused")),
    ("withdrawn_whole", gettext_lazy("Withdrawn: every consent")),
    ("withdrawn_partial", gettext_lazy("Withdrawn: some purposes")),
    ("expired", gettext_lazy("Expired")),
    ("in_force_at_end", gettext_lazy("In force at the end")),
    ("in_force_at_start", gettext_lazy("In force at the start")),
    ("superseded", gettext_lazy("Replaced by a consent to a newer notice")),
)
STOP_COLUMNS = (
    ("sent", gettext_lazy("Stops sent")),
    ("acknowledged_on_time", gettext_lazy("Acknowledged within the deadline")),
    ("acknowledged_late", gettext_lazy("Acknowledged late")),
    ("open", gettext_lazy("Still open")),
    ("open_overdue", gettext_lazy("Open and overdue")),
)


@dataclass(frozen=True)
class ReportTable:
    """One table: columns of words (what the row is about: its name first), then the figures."""

    headings: list[str]
    rows: list[dict[str, Any]]  # {"words", "figures", "subtotal"}
    totals: dict[str, Any]

    @property
    def word_columns(self) -> int:
        return len(self.totals["words"])

    @property
    def lines(self) -> list[list[Any]]:
        """The table as the CSV writes it: headings, rows, totals."""
        return [self.headings, *([*row["words"], *row["figures"]] for row in [*self.rows, self.totals])]


def _row(words: list[str], figures: dict[str, Any], columns, *, subtotal: bool = False) -> dict:
    return {"words": words, "figures": [figures[key] for key, _label in columns], "subtotal": subtotal}


def report_tables(report: dict[str, Any]) -> dict[str, ReportTable]:
    """The report's two tables: consents by purpose and channel (each purpose closed by its row for
    all channels), and the recipients' stops, a withdrawal's apart from a void's."""
    all_channels = _("All channels")
    purposes = []
    for purpose in report["by_purpose"]:
        purposes += [_row([purpose["label"], channel["label"]], channel, CONSENT_COLUMNS)
                     for channel in purpose["channels"]]
        purposes.append(_row([purpose["label"], all_channels], purpose, CONSENT_COLUMNS, subtotal=True))
    recipients = [_row([row["label"], row["kind_label"], row["cause_label"]], row, STOP_COLUMNS)
                  for row in report["recipients"]]
    return {
        "purposes": ReportTable(
            headings=[_("Purpose"), _("Channel"), *(str(label) for _key, label in CONSENT_COLUMNS)],
            rows=purposes,
            totals=_row([_("Total"), all_channels], report["totals"], CONSENT_COLUMNS, subtotal=True),
        ),
        "recipients": ReportTable(
            headings=[_("Recipient"), _("Kind"), _("Stop after"),
                      *(str(label) for _key, label in STOP_COLUMNS)],
            rows=recipients,
            totals=_row([_("Total"), "", ""], report["recipient_totals"], STOP_COLUMNS, subtotal=True),
        ),
    }


def _local(moment) -> str:
    return date_format(moment.astimezone(LOCAL_TZ), "d/m/Y H:i")


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV: the period, then each table as the page shows it."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    period = report["period"]
    writer.writerow([_("Consent report"), _local(period["since"]), _local(period["until"])])
    writer.writerow([_("Figures as of"), _local(report["as_of"])])
    for table in report_tables(report).values():
        writer.writerow([])
        writer.writerows(table.lines)
    return out.getvalue()
