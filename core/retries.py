"""What work retried in the background keeps of a failure, and how long it waits before the next try."""

from __future__ import annotations

import traceback
from datetime import timedelta
from pathlib import Path

from django.conf import settings

from core.errors import DomainError

# Longest summary kept: the length of the columns that store one.
SUMMARY_LENGTH = 200


def doubling_wait(attempts: int, *, first: timedelta, longest: timedelta) -> timedelta:
    """The wait after `attempts` failures in a row: `first`, then twice as long after each further
    failure, never more than `longest`."""
    wait = first
    for _ in range(max(attempts - 1, 0)):
        if wait >= longest:
            break
        wait *= 2
    return min(wait, longest)


def error_summary(error: BaseException) -> str:
    """A failure as staff may read it: the error's kind (with a domain error's code) and the place in
    the platform's code it came from, as "ValueError at consents/services/x.py:12 in f". Never the
    error's message: a database driver, a template or a gateway may have put a customer's data in it."""
    kind = type(error).__name__
    if isinstance(error, DomainError):
        kind = f"{kind} ({error.code})"
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if _in_platform(frame.filename)]
    if ours:
        frame = ours[-1]
        where = Path(frame.filename).resolve().relative_to(settings.BASE_DIR)
        kind = f"{kind} at {where.as_posix()}:{frame.lineno} in {frame.name}"
    return kind[:SUMMARY_LENGTH]


def _in_platform(filename: str) -> bool:
    path = Path(filename).resolve()
    return path.is_relative_to(settings.BASE_DIR) and not {".venv", "site-packages"} & set(path.parts)
