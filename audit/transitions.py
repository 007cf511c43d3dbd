"""The mover each machine with a `StatusChange` history gets: check the table, save the status with
its history row (`core.states.status_move`) and write the audit entry, in the caller's transaction.

It lives here because `audit` is the lowest layer that may write the trail; `core.states` holds the
tables and the history row but imports nothing above the kernel. Each app declares its movers once
(`breach_transition = Transition(...)`), so `grep <entity>_transition` finds every move.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.db import models, transaction

from audit.services import audit_record
from core.actors import Actor
from core.states import StateMachine, StatusChange, status_move

Moved = TypeVar("Moved", bound=models.Model)


class Transition:
    """The one mover of one machine. `refused` is the 409's message in the machine's words; its named
    fields are `status` (the current status) and `new` (the refused one), both as their labels."""

    def __init__(
        self,
        machine: StateMachine,
        history: type[StatusChange],
        *,
        of: str,
        refused: Any = None,
        code: str | None = None,
    ) -> None:
        self.machine, self.history, self.of = machine, history, of
        self.refused, self.code = refused, code

    def __call__(
        self,
        obj: Moved,
        *,
        to: str,
        actor: Actor,
        now: datetime,
        changes: dict[str, Any] | None = None,
        audit_action: str = "",
        subject: Any = None,
        data: dict[str, Any] | None = None,
    ) -> Moved:
        """Move `obj` (locked by the caller) to `to` with `changes`: refuse what the table does not allow
        (`InvalidTransition`, 409), else save it, write its history row and, when `audit_action` is
        given, the audit entry (a caller that learns the entry's data only after more work writes it)."""
        labels = dict(obj._meta.get_field("status").choices or ())
        old = obj.status
        self.machine.check(
            old, to, self.refused, code=self.code, status=labels.get(old, old), new=labels.get(to, to)
        )
        with transaction.atomic(savepoint=False):
            status_move(obj, to=to, actor=actor, now=now, history=self.history, of=self.of, changes=changes)
            if audit_action:
                audit_record(
                    action=audit_action, actor=actor, subject=subject, target=obj, now=now, data=data or {}
                )
        return obj
