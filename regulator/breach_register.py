"""The breach register as an inspector reads it, on the page and as CSV: each breach with when the
authority was notified, whether that was late in the authority's eyes (`Breach.is_late`, the rule
every phase's lateness follows) and why, and what the affected customers were told."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.spreadsheets import SpreadsheetWriter
from deadlines.policy import local_isoformat
from regulator.models import Breach, CustomerNotice

BREACH_REGISTER_CSV_COLUMNS = (
    "reference",
    "title",
    "status",
    "detected_at",
    "authority_due_at",
    "notified_at",
    "late",
    "late_reason",
    "phases",
    "subjects_affected",
    "records_affected",
    "customers_told",
    "customers_told_at",
    "customers_emailed",
    "customers_not_told_reason",
)


@dataclass(frozen=True)
class BreachRegisterRow:
    breach: Breach
    notified_late: bool
    late_reason: str
    phases: int

    @property
    def customers_told(self) -> str:
        """`notify` once e-mailed, `not_notify` when the DPO decided not to, else empty (not yet)."""
        if self.breach.customers_notified_at is not None:
            return CustomerNotice.NOTIFY
        if self.breach.customer_notice_decision == CustomerNotice.NOT_NOTIFY:
            return CustomerNotice.NOT_NOTIFY
        return ""


def breach_register_rows(breaches: Iterable[Breach]) -> list[BreachRegisterRow]:
    """One row per breach (their `phases` prefetched, as `selectors.breach_list` gives them)."""
    rows = []
    for breach in breaches:
        phases = list(breach.phases.all())
        late = breach.notified_at is not None and breach.is_late(breach.notified_at)
        rows.append(
            BreachRegisterRow(
                breach=breach,
                notified_late=late,
                late_reason=phases[0].late_reason if late and phases else "",
                phases=len(phases),
            )
        )
    return rows


def _moment(at: datetime | None) -> str:
    return local_isoformat(at) if at else ""


def breach_register_csv(rows: Iterable[BreachRegisterRow]) -> str:
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(BREACH_REGISTER_CSV_COLUMNS)
    for row in rows:
        breach = row.breach
        writer.writerow(
            (
                breach.reference,
                breach.title,
                breach.status,
                _moment(breach.detected_at),
                _moment(breach.authority_due_at),
                _moment(breach.notified_at),
                "yes" if row.notified_late else "no",
                row.late_reason,
                row.phases,
                breach.subjects_affected,
                breach.records_affected,
                row.customers_told,
                _moment(breach.customers_notified_at),
                breach.customers_notified if breach.customers_notified_at else "",
                breach.customer_notice_reason if row.customers_told == CustomerNotice.NOT_NOTIFY else "",
            )
        )
    return out.getvalue()
