"""Why a recipient confirmed its duty late: a request past its deadline carries its overdue reason, and
a recipient's duty past its 72 hours carries the one staff record here, shown on the notices page and
in the API list; a late duty with none reads "no reason recorded"."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.models import WithdrawalDuty
from core.actors import Actor
from core.errors import InvalidInput, NotFound

LATE_REASON_MAX = 500


def duty_late_reason_record(*, actor: Actor, duty_id, reason: str) -> WithdrawalDuty:
    """Record (or correct) why the recipient's confirmation came after its due time. Refused (400
    `late_reason`) when empty, too long, or the duty was not late (confirmed in time, still within its
    time, or called off). The words stay off the append-only trail, which records that a reason was
    recorded or replaced: free text may name the customer, and the customer's erasure erases it
    (`duty_notes_erase`)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the recipient confirmed late."), field="late_reason")
    if len(reason) > LATE_REASON_MAX:
        raise InvalidInput(
            _("The reason is too long (at most %(max)s characters).") % {"max": LATE_REASON_MAX},
            field="late_reason",
        )
    with transaction.atomic(durable=True):
        duty = WithdrawalDuty.objects.select_for_update().filter(pk=duty_id).first()
        if duty is None:
            raise NotFound(_("No such withdrawal duty."))
        if not duty.late(timezone.now()):
            raise InvalidInput(
                _("This recipient was not late: there is no lateness to explain."), field="late_reason"
            )
        previous = duty.late_reason
        duty.late_reason = reason
        duty.save(update_fields=["late_reason"])
        audit_record(
            action="consents.duty.late_reason_recorded", actor=actor, subject=duty.subject_id,
            data={"duty": str(duty.pk), "recipient": duty.recipient_id, "replaced": bool(previous)},
        )
    return duty
