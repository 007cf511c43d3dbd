"""What the apps above do, in the same transaction, when a customer's record is rectified.

`consents` is a layer above `subjects`, yet a corrected date of birth can show that consents were
given by a child alone, whose use must stop at once (domain notes). So `consents` registers at
start-up what follows a rectification (`register_after_rectification`), and `subject_rectify` calls
it with the names of the fields that changed.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from core.actors import Actor
from subjects.models import DataSubject

# Each is called as follow_up(actor=..., subject=..., changed=frozenset of field names, now=...).
_follow_ups: list[Callable[..., None]] = []


def register_after_rectification(follow_up: Callable[..., None]) -> None:
    if follow_up not in _follow_ups:
        _follow_ups.append(follow_up)


def after_rectification(
    *, actor: Actor, subject: DataSubject, changed: frozenset[str], now: datetime
) -> None:
    for follow_up in _follow_ups:
        follow_up(actor=actor, subject=subject, changed=changed, now=now)
