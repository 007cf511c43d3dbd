"""How other apps refer to a request without importing dsr: the `source` a consent withdrawal,
restriction, duty or paused authorisation records is `dsr.request:<id>`."""

from __future__ import annotations

import uuid

SOURCE_PREFIX = "dsr.request:"


def request_source(request) -> str:
    return f"{SOURCE_PREFIX}{request.pk}"


def request_id_of_source(source: str) -> uuid.UUID | None:
    """The request a `request_source` names (None for anything else)."""
    if not source.startswith(SOURCE_PREFIX):
        return None
    try:
        return uuid.UUID(source.removeprefix(SOURCE_PREFIX))
    except ValueError:
        return None
