"""Domain errors of the integrations area: what an `Idempotency-Key` retry can be told."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict

# A retry this long after the first attempt normally finds its answer stored.
IN_FLIGHT_RETRY_AFTER_SECONDS = 2


class IdempotencyKeyBusy(Conflict):
    code = "idempotency_in_flight"
    retry_after = IN_FLIGHT_RETRY_AFTER_SECONDS
    default_message = _("A request with this Idempotency-Key is still being processed; retry shortly.")


class IdempotencyKeyMismatch(Conflict):
    code = "idempotency_mismatch"
    default_message = _("This Idempotency-Key was already used for a different request.")


class IdempotencyAccessMismatch(IdempotencyKeyMismatch):
    default_message = _(
        "This Idempotency-Key was first used with other access to the customer's personal data: send the "
        "retry with the same access as the first (the same token scopes, the same X-Access-Reason)."
    )


class IdempotencyAnswerErased(Conflict):
    code = "idempotency_answer_erased"
    default_message = _(
        "This request was carried out, but its answer was erased with the customer's personal data."
    )


class TokenExpired(Exception):
    """An API token used after its last day (`ApiToken.expires_at`); the API answers 401 saying so."""

    def __init__(self, token):
        super().__init__(f"API token {token.prefix} expired")
        self.token = token
