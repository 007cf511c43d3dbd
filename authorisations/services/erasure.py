"""The erasure of the customer's own words on their authorisations, in a completed deletion's
transaction (`dsr.services.erasure.platform_copies_erase`), as their reasons for withdrawing a consent
are erased (`consents.services.withdrawals.consent_reasons_erase`)."""

from __future__ import annotations

from authorisations.models import AuthorisationEvent
from authorisations.receipts import receipt_reason_replaced
from authorisations.services.lifecycle import REPLACED_REASON
from authorisations.services.rights import RECTIFIED_SOURCE
from consents.follow_ups import DIRECT_SOURCE
from core.actors import ActorKind
from core.db import encrypted_bulk_update
from core.erased import REASON_ERASED

# What the platform writes as the reason of a revocation it makes while a customer acts (a new grant
# replacing the old one, a withdrawal or correction of theirs reaching their third parties): no one's words.
PLATFORM_REVOKE_REASONS = (REPLACED_REASON, DIRECT_SOURCE, RECTIFIED_SOURCE)


def revoke_reason_is_customers(event: AuthorisationEvent) -> bool:
    """Whether the event's reason is the customer's own words: a revocation by the customer, or by staff
    on their instruction (whose evidence is required), giving a reason the platform does not write."""
    return (
        event.kind == AuthorisationEvent.Kind.REVOKED
        and (event.actor_kind == ActorKind.CUSTOMER or bool(event.evidence))
        and event.reason not in ("", *PLATFORM_REVOKE_REASONS)
    )


def authorisation_reasons_erase(*, subject_id) -> int:
    """In the erasure's transaction: the reasons the customer gave for revoking a third party's access,
    their own words (`authorisation_revoke`, by the customer or by staff on their instruction, whose
    evidence is required), read `REASON_ERASED`, in the event and in its frozen receipt. The receipt
    changes in that one field only: the lawful exception to a receipt never changing, as for a consent's
    (docs/consents.md). The reasons the platform writes (a request's reference, which only staff and the
    system act on, and `PLATFORM_REVOKE_REASONS`) stay. Returns how many were erased."""
    revocations = AuthorisationEvent.objects.select_for_update(of=("self",)).filter(
        authorisation__subject_id=subject_id, kind=AuthorisationEvent.Kind.REVOKED
    )
    # Chosen in Python: the evidence and reason are encrypted, and the same words (an empty one too)
    # encrypt differently each time.
    erased = [
        event for event in revocations.only("pk", "kind", "actor_kind", "evidence", "reason", "receipt")
        if revoke_reason_is_customers(event) and event.reason != REASON_ERASED
    ]
    for event in erased:
        event.reason = REASON_ERASED
        event.receipt = receipt_reason_replaced(event.receipt, REASON_ERASED)
    encrypted_bulk_update(erased, "reason")
    encrypted_bulk_update(erased, "receipt")
    return len(erased)
