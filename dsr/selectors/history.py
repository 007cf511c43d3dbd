"""A request's history as its customer reads it: every move of its status, and the events that move no
status but change what the customer is waiting for (the law's one extension, a withdrawal taking
effect), in the order they happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dsr.models import ClockEvent, DataSubjectRequest


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history: `kind` is "status" (its `text` the status reached), "extended" (`until`
    the deadline it moved to) or "withdrawal_applied"; `reply` quotes the customer's own answer."""

    at: datetime
    kind: str
    text: str = ""
    until: datetime | None = None
    reply: str = ""


def request_customer_history(request: DataSubjectRequest) -> list[HistoryEntry]:
    """The customer's history of `request`, oldest first; a status move and an event at the same instant
    keep that order (the move first)."""
    entries = [
        HistoryEntry(
            at=change.at, kind="status", text=change.new_status_for_customer,
            reply=change.note if change.is_customer_reply else "",
        )
        for change in request.status_changes.all()
    ]
    entries += [
        # The law's date is the one the extension moved; a regime with none moves the bank's.
        HistoryEntry(at=event.at, kind="extended", until=event.statutory_due_at or event.due_at)
        for event in request.clock_events.filter(kind=ClockEvent.EXTENDED).order_by("at", "pk")
    ]
    if request.withdrawal_applied_at:
        entries.append(HistoryEntry(at=request.withdrawal_applied_at, kind="withdrawal_applied"))
    return sorted(entries, key=lambda entry: entry.at)
