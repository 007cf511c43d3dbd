"""The breach register as an inspector reads it, on the page and as CSV: each breach with when the
authority was notified, whether it is late in the authority's eyes and why, and what the affected
customers were told. Late has one source: once notified, phase 1's stored `late` and `late_reason`
(decided by `Breach.is_late` when it was filed); while not, whether the law's deadline has passed
(`Breach.deadline_passed`, the rule the page's "72 hours passed" badge follows)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.spreadsheets import SpreadsheetWriter
from deadlines.policy import local_isoformat
from regulator.models import STATUTORY_PASSED, Breach, CustomerNotice

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
    "customers_told_count",
    "customers_not_told_reason",
)


@dataclass(frozen=True)
class BreachRegisterRow:
    breach: Breach
    late: bool
    late_reason: str
    phases: int

    @property
    def notified_late(self) -> bool:
        """Whether the authority was notified, late: the page marks only these beside the date."""
        return self.late and self.breach.notified_at is not None

    @property
    def customers_told(self) -> str:
        """`notify` once e-mailed, `not_notify` when the DPO decided not to, else empty (not yet)."""
        if self.breach.customers_notified_at is not None:
            return CustomerNotice.NOTIFY
        if self.breach.customer_notice_decision == CustomerNotice.NOT_NOTIFY:
            return CustomerNotice.NOT_NOTIFY
        return ""


def breach_register_rows(breaches: Iterable[Breach], now: datetime) -> list[BreachRegisterRow]:
    """One row per breach (their `phases` prefetched, as `selectors.breach_register` gives them)."""
    rows = []
    for breach in breaches:
        phases = list(breach.phases.all())
        initial = phases[0] if phases and breach.notified_at is not None else None
        rows.append(
            BreachRegisterRow(
                breach=breach,
                late=initial.late if initial else breach.deadline_passed(now) == STATUTORY_PASSED,
                late_reason=initial.late_reason if initial and initial.late else "",
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
                "yes" if row.late else "no",
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
