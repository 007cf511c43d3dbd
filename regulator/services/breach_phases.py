"""The authority's reference of a notification phase, recorded after the phase was submitted.

A05 usually acknowledges a notification with its own number some time after receiving it, so a phase
submitted without one has it recorded once, later. The phase's Form 08 document stays as it was sent:
the reference is the authority's receipt of it, not part of it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound, required_text
from regulator.models import BreachNotification

AUTHORITY_REFERENCE_MAX = BreachNotification._meta.get_field("authority_reference").max_length


def breach_phase_reference_record(
    *, actor: Actor, breach_id, phase: int, authority_reference: str, now: datetime | None = None
) -> BreachNotification:
    """Record the authority's reference of a phase that has none (once: 409 `reference_recorded` after
    that, as the reference the authority gave does not change); audited in the same transaction."""
    now = now or timezone.now()
    reference = required_text(
        authority_reference, field="authority_reference", message=_("Give the authority's reference.")
    )
    if len(reference) > AUTHORITY_REFERENCE_MAX:
        raise InvalidInput(
            _("Keep the authority's reference to %(largest)s characters at most."),
            field="authority_reference",
            largest=AUTHORITY_REFERENCE_MAX,
        )
    with transaction.atomic(durable=True):
        notification = (
            BreachNotification.objects.select_for_update()
            .select_related("breach")
            .filter(breach_id=breach_id, phase=phase)
            .first()
        )
        if notification is None:
            raise NotFound(_("No such phase."))
        if notification.authority_reference:
            raise Conflict(
                _("The authority's reference of phase %(phase)s is already recorded: %(reference)s."),
                code="reference_recorded",
                phase=phase,
                reference=notification.authority_reference,
            )
        notification.authority_reference = reference
        notification.save(update_fields=["authority_reference"])
        audit_record(
            action="regulator.breach.reference_recorded",
            actor=actor,
            target=notification.breach,
            now=now,
            data={
                "reference": notification.breach.reference,
                "phase": phase,
                "authority_reference": reference,
            },
        )
    return notification
