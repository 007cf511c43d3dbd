"""What the apps above do, in the same transaction, when a customer's record is rectified.

`consents` is a layer above `subjects`, yet a corrected date of birth can show that consents were
given by a child alone, whose use must stop at once (domain notes). So `consents` registers at
start-up what follows a rectification (`register_after_rectification`), and `subject_rectify` calls
it with the names of the fields that changed and their values before the change (`before`, in the
clear, never stored: `notifications` tells the old phone or e-mail that it was replaced), and the
correction's `source`, opaque here (a rectification request's `dsr.request:<id>`, empty for one made
outside a request): what follows records it, as the notices to recipients do.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from core.actors import Actor
from subjects.models import DataSubject

# The fields that record the end of the customer's life with the bank, the death first, each with the
# source of what its recording ends (the customer's consents and authorisations: `life_end_recorded`).
LIFE_END_SOURCES = {
    "deceased_on": "subjects.deceased",
    "relationship_ended_on": "subjects.relationship_ended",
}

# Each is called as follow_up(actor=..., subject=..., changed=frozenset of field names,
# before={field: value before the change} for each changed field, now=..., source=...).
_follow_ups: list[Callable[..., None]] = []


def register_after_rectification(follow_up: Callable[..., None]) -> None:
    if follow_up not in _follow_ups:
        _follow_ups.append(follow_up)


def after_rectification(
    *, actor: Actor, subject: DataSubject, before: Mapping[str, Any], now: datetime, source: str = ""
) -> None:
    changed = frozenset(before)
    for follow_up in _follow_ups:
        follow_up(actor=actor, subject=subject, changed=changed, before=before, now=now, source=source)


def life_end_recorded(subject: DataSubject, changed: frozenset[str]) -> str | None:
    """The field of `LIFE_END_SOURCES` a rectification just set (the death's when both), or None: a date
    corrected again or cleared, or neither changed, ends nothing more than the first recording did."""
    return next((field for field in LIFE_END_SOURCES if field in changed and getattr(subject, field)), None)
