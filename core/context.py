"""Per-request context (request id, client IP) that the audit trail reads without threading it
through every service call."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


NO_REQUEST = RequestContext()
current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def request_context() -> RequestContext:
    """The current request's context, or an empty one outside a request (commands, scheduled jobs)."""
    context = current_request.get()
    return NO_REQUEST if context is None else context
