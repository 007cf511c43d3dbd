"""What every state machine's mover shares: the history row and the save of one move.

Each app keeps its own table in `<app>/states.py` and its own `<entity>_transition` service, which
checks the table (raising `InvalidTransition`, 409) and writes the audit entry; `status_move` then
applies the move to the locked row with `update_fields` and records it in the app's history model
(a subclass of `StatusChange`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction

from core.actors import Actor


class StatusChange(models.Model):
    """One move of a machine: from, to, when and by whom. Subclasses add the foreign key."""

    from_status = models.CharField(max_length=32)
    to_status = models.CharField(max_length=32)
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=150)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


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
