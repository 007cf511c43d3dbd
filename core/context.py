"""Per-request context (request id, client IP) that the audit trail reads without threading it
through every service call."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


current_request: ContextVar[RequestContext] = ContextVar("current_request", default=RequestContext())
