"""How other apps refer to a request without importing dsr: the `source` a consent withdrawal,
restriction, duty or paused authorisation records is `dsr.request:<id>`; the legal hold a partly answered
deletion puts on the customer's consents is `dsr.hold:<id>`."""

from __future__ import annotations

import uuid

SOURCE_PREFIX = "dsr.request:"
HOLD_SOURCE_PREFIX = "dsr.hold:"


def request_source(request) -> str:
    return f"{SOURCE_PREFIX}{request.pk}"


def hold_source(request) -> str:
    return f"{HOLD_SOURCE_PREFIX}{request.pk}"


def _id_after(source: str, prefix: str) -> uuid.UUID | None:
    if not source.startswith(prefix):
        return None
    try:
        return uuid.UUID(source.removeprefix(prefix))
    except ValueError:
        return None


def request_id_of_source(source: str) -> uuid.UUID | None:
    """The request a `request_source` names (None for anything else)."""
    return _id_after(source, SOURCE_PREFIX)


def request_id_behind_restriction(source: str) -> uuid.UUID | None:
    """The request a restriction in force came from: its own (`request_source`), or the deletion whose
    legal hold it is (`hold_source`); None for anything else (the platform's own)."""
    return _id_after(source, SOURCE_PREFIX) or _id_after(source, HOLD_SOURCE_PREFIX)
