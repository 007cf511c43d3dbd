"""What every state machine shares: its table (`StateMachine`), the history row and the save of one move.

Each app declares its machines in `<app>/states.py` as `StateMachine`s and has one
`<entity>_transition` service per machine, which checks the table (`StateMachine.check`, raising
`InvalidTransition`, 409) and writes the audit entry; `status_move` then applies the move to the
locked row with `update_fields` and records it in the app's history model (a subclass of
`StatusChange`). Pages and API ask `<entity>_allowed_actions`, which reads the same table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import models, transaction

from core.actors import Actor
from core.errors import InvalidTransition


class StateMachine:
    """One machine's table of allowed moves, read as "from this status, these are allowed next".

    A status with no next status ends the work (`terminal`); every other one is `live` (still open).
    """

    def __init__(self, transitions: Mapping[str, Iterable[str]]) -> None:
        self.transitions: dict[str, frozenset[str]] = {
            status: frozenset(nexts) for status, nexts in transitions.items()
        }
        self.terminal: frozenset[str] = frozenset(s for s, nexts in self.transitions.items() if not nexts)
        self.live: frozenset[str] = frozenset(self.transitions) - self.terminal

    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(self.transitions)

    def allowed_next(self, status: str) -> frozenset[str]:
        return self.transitions.get(status, frozenset())

    def is_allowed(self, old: str, new: str) -> bool:
        return new in self.allowed_next(old)

    def check(
        self, old: str, new: str, message: Any = None, /, *, code: str | None = None, **params: Any
    ) -> None:
        """Refuse (`InvalidTransition`, 409) a move the table does not allow. `message` says it in the
        machine's words; its named fields come from `params`, and `status` defaults to `old`."""
        if not self.is_allowed(old, new):
            raise InvalidTransition(message, code=code, **{"status": old, **params})


class StatefulModel(models.Model):
    """A row that moves along a machine (by its own `status` field). It is named by its class, key and
    status: `__str__` (admin, logs, error pages) never shows personal data."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk} {self.status}"


class StatusChange(models.Model):
    """One move of a machine: from, to, when and by whom. Subclasses add the foreign key."""

    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=150)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk} {self.from_status}->{self.to_status}"


def status_has_time(status: str, field: str, *, name: str) -> models.CheckConstraint:
    """The database's guard that a row in `status` records when it got there (`field` is set)."""
    return models.CheckConstraint(
        condition=~models.Q(status=status) | models.Q(**{f"{field}__isnull": False}), name=name
    )


def status_move(
    obj: models.Model,
    *,
    to: str,
    actor: Actor,
    now: datetime,
    history: type[StatusChange],
    of: str,
    changes: dict[str, Any] | None = None,
) -> StatusChange:
    """Save `obj` (locked by the caller, move already checked) in status `to` with `changes`, and
    write the history row whose foreign key `of` points at it."""
    changes = changes or {}
    with transaction.atomic(savepoint=False):
        old = obj.status
        obj.status = to
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save(update_fields=["status", *changes])
        return history.objects.create(
            **{of: obj}, from_status=old, to_status=to, at=now, actor_label=actor.label[:150]
        )
