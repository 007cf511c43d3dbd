"""The deadline policy as it stood at a past moment: today's rows with the DPO's later edits undone.

The DPO edits a row in place (`dsr.services.policy.deadline_policy_update`), and the append-only audit trail
keeps every edit with each changed field's value before and after (`POLICY_CHANGED`). A promise the bank
gave is kept by the rules in force when it heard the work: a request keeps a copy of its rows
(`policy_snapshot`), a recipient's duty its due time; work that keeps neither (a stop the consent feed
times from when the bank heard the "no") is timed by the rows as they stood then, so an edit applies to
work heard after it and never moves a deadline already promised. Every deadline computed for work heard
before now (a stop opened late, a breach recorded or corrected later, a request typed in after it arrived)
reads the rows through here (`policies_as_of`; a list builds one `PolicyHistory` for all its rows). An
edit made outside that service (a shell, a data migration) leaves no entry and reads as if it had always
been so; a row a migration adds (a new regime or request type) likewise times past work from its
`effective_from`, or always when it has none: give such a row the day it comes into force.
"""

from __future__ import annotations

import copy
from datetime import datetime, time, timedelta

from django.core.exceptions import FieldDoesNotExist

from audit.models import AuditEntry
from deadlines.models import DeadlinePolicy
from deadlines.policy import LOCAL_TZ, rows_in_force

POLICY_CHANGED = "dsr.policy.changed"
# How an edit's entry writes a value it had before (`str(value)`): an empty one reads back as empty.
_EMPTY = "None"


def policies_as_of(
    request_type: str, received_at: datetime, occurred_at: datetime | None = None
) -> list[DeadlinePolicy]:
    """The rows that timed work of `request_type` received (a breach: detected) at `received_at`, as they
    stood then, in force on the day each one's own clock starts (`occurred_at`: a breach's violation)."""
    return PolicyHistory.since(request_type, received_at).in_force(received_at, occurred_at)


class PolicyHistory:
    """The rows of one request type as they stood at any moment since `since` (None: ever), in at most two
    queries, then none: the audit trail is read only when a row was edited since."""

    def __init__(self, rows: list[DeadlinePolicy], edits: list[tuple[datetime, str, dict]]) -> None:
        self.rows = rows
        self.edits = edits  # (recorded_at, row id, {field: {"before", "after"}}), the latest first

    @classmethod
    def since(cls, request_type: str, since: datetime | None) -> PolicyHistory:
        rows = list(DeadlinePolicy.objects.filter(request_type=request_type))
        if since is not None and all(row.updated_at <= since for row in rows):
            return cls(rows, [])  # an edit saves its row: none was edited since
        edits = AuditEntry.objects.filter(
            action=POLICY_CHANGED, target_type=DeadlinePolicy._meta.label_lower,
            target_id__in=[str(row.pk) for row in rows],
        ).order_by("-sequence")
        if since is not None:
            edits = edits.filter(recorded_at__gt=since)
        return cls(rows, list(edits.values_list("recorded_at", "target_id", "data__changed")))

    def in_force(self, received_at: datetime, occurred_at: datetime | None = None) -> list[DeadlinePolicy]:
        """The rows that timed work received at `received_at` (a breach: detected; `occurred_at`, its
        violation), as they stood then (unsaved copies)."""
        rows = {str(row.pk): copy.copy(row) for row in self.rows}
        # Every edit dated after the moment, in the order they were written undone: the dates of edits
        # written with a `now` of their own need not follow that order.
        for recorded_at, row_id, changed in self.edits:
            if recorded_at <= received_at:
                continue
            for name, values in changed.items():
                _undo(rows[row_id], name, values["before"])
        return rows_in_force(rows.values(), received_at, occurred_at)

    def changes_between(self, since: datetime, until: datetime) -> list[datetime]:
        """The moments in `(since, until)` the rows changed at, the earliest first: an edit, or the local
        day a row came into force or ended."""
        edited = [recorded_at for recorded_at, _row, _changed in self.edits]
        days = [row.effective_from for row in self.rows if row.effective_from is not None]
        days += [row.effective_to + timedelta(days=1) for row in self.rows if row.effective_to is not None]
        started = [datetime.combine(day, time(), tzinfo=LOCAL_TZ) for day in days]
        return sorted(moment for moment in {*edited, *started} if since < moment < until)


def _undo(row: DeadlinePolicy, name: str, before: str) -> None:
    try:
        field = DeadlinePolicy._meta.get_field(name)
    except FieldDoesNotExist:  # a field the table has lost since: it times nothing now
        return
    setattr(row, name, None if before == _EMPTY and field.null else field.to_python(before))
