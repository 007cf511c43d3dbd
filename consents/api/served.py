"""Need to know for integration clients: the purposes a token serves (`purpose:<code>` scopes).

A client serves some purposes, not the catalogue (a marketing platform asks about marketing, a card
processor about cards): a token naming purposes neither reads, records nor withdraws consents of
another purpose, and the consent check does not tell it how the customer stands on one (a biometric
consent, a restriction, a legal hold). A token naming no purpose keeps every purpose, as before.

A recipient's own client (a marketing agency, a card printer) is asked about only what the purpose
names it for (`recipients_asking`): the check answers it `recipient_not_named` for the rest.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consents.client_recipients import client_recipient_ids
from core.actors import actor_for_user
from core.errors import NotFound, PermissionDenied
from integrations.audience import is_processor, purposes_served


def reads_consent_proof(request, consent) -> bool:
    """Whether the caller reads how a consent was proven (its evidence references, who recorded it, the
    guardian's customer number): the bank's staff and a client serving every purpose do; a processor
    needs only the consent's state (Law 91/2025: no more data than the purpose needs), except on the
    consents it recorded itself."""
    return not is_processor(request) or consent.recorded_by_user_id == request.user.pk


def purpose_served_check(request, code: str) -> None:
    """403 when the caller's token does not serve the purpose `code`."""
    served = purposes_served(request)
    if served is not None and code not in served:
        raise PermissionDenied(
            _("This token does not serve the purpose %(purpose)s: ask the bank for a token that names it."),
            code="purpose_not_served", purpose=code,
        )


def consent_served_check(request, consent) -> None:
    """404, as for a consent the caller cannot see, when its purpose is one the token does not serve."""
    served = purposes_served(request)
    if served is not None and consent.purpose.code not in served:
        raise NotFound(_("No such consent."))


def recipients_asking(request) -> frozenset[int] | None:
    """The registered recipients the calling integration client answers for, or None (the bank's own
    systems and staff, whose check is the customer's answer alone). Kept per worker: no query per call."""
    if not actor_for_user(request.user).is_client:
        return None
    return client_recipient_ids(request.user.pk)
