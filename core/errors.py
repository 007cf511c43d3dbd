"""Domain errors: a stable code, an HTTP status and a message a person understands.

Services raise these; the API's exception handler and the pages turn them into the contract's shape
(`{"detail": ..., "code": ...}` or `{"field": [...]}`). Messages are lazy translations with named
fields, rendered in the reader's language, and never carry personal data.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message: Any = _("The request could not be processed.")
    # Seconds after which the same request may succeed; sent as `Retry-After` when set.
    retry_after: int | None = None

    def __init__(self, message: Any = None, *, code: str | None = None, field: str | None = None,
                 data: dict[str, Any] | None = None, **params: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.params = params
        # Machine-readable values the answer carries beside the message (a bound a client can resend).
        self.data = data or {}
        self.field = field
        if code:
            self.code = code
        super().__init__(self.code)

    @property
    def text(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def as_payload(self) -> dict[str, Any]:
        if self.field:
            return {self.field: [self.text], **self.data}
        return {"detail": self.text, "code": self.code, **self.data}


class InvalidInput(DomainError):
    code = "invalid"
    status = 400


def valid_or_refused(validator: Callable[[str], None], value: str, *, message: Any, field: str) -> str:
    """`value` when Django's `validator` takes it; otherwise refused (400) on `field` with `message`, in the
    area's own words rather than the validator's."""
    try:
        validator(value)
    except ValidationError:
        raise InvalidInput(message, field=field) from None
    return value


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class Unavailable(DomainError):
    """Something the platform relies on failed (the mail server, a gateway): nothing was done, and the
    same request may go through later, after `retry_after` seconds when that is known."""

    code = "unavailable"
    status = 503
    default_message = _("The service is briefly unavailable. Please try again in a moment.")

    def __init__(self, message: Any = None, *, retry_after: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This action is not allowed from the current status “%(status)s”.")


def required_text(value: str | None, *, field: str, message: Any) -> str:
    """`value` without the white space around it; `InvalidInput(message)` on `field` when nothing is
    left (a reason, a note or a name a person must write)."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, field=field)
    return text
