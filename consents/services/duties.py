"""Withdrawal duties: after a withdrawal every recipient the consent covered must stop processing.

One duty per recipient, due by the bank's committed deadline (`core.deadlines.due_at_for`, 72 hours
by the bank's policy), each announced by a signed webhook through the outbox when the recipient has
an endpoint, and closed by the recipient's acknowledgement (API) or by staff recording one received
another way (letter, e-mail). The withdrawal is complete when no duty of it is open. A duty moves
only through `duty_transition`, which keeps its history (`WithdrawalDutyStatusChange`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from audit.transitions import Transition
from consents.models import Consent, Recipient, WithdrawalDuty, WithdrawalDutyStatusChange
from consents.states import DUTY_MACHINE
from core.actors import Actor
from core.errors import NotFound, PermissionDenied
from deadlines.policy import due_at_for
from integrations.outbox import outbox_enqueue_webhook

WITHDRAWAL_NOTICE_TOPIC = "consent.withdrawn"


def _agreed_recipient_ids(consent: Consent) -> list[int] | None:
    """The recipients named in what the customer agreed to: the receipt's frozen scope, or, for a consent
    recorded before receipts froze it, the scope of the version it names. None when neither says."""
    for scope in (consent.snapshot.get("scope"), consent.notice.scope):
        if scope and "recipients" in scope:
            return [entry["id"] for entry in scope["recipients"]]
    return None


def _recipients_to_tell(consent: Consent) -> list[Recipient]:
    """The recipients the consent let the bank share with, who must stop processing.

    Those named in what the customer agreed to received the data, so they are told even when a later
    narrowing removed them or the bank has since deactivated them (domain notes: the bank makes
    recipients stop, keeping their acknowledgements). Those the purpose names now beyond that are told
    while active: a later widening reached them without this customer's agreement, and an inactive one
    is no longer sent data. A consent whose agreement names no recipients at all (recorded before scopes
    were frozen) takes the purpose's recipients as its record, active or not: a duty staff close as
    "never received" costs less than a recipient left processing."""
    agreed = _agreed_recipient_ids(consent)
    if agreed is None:
        told = Q(purposes=consent.purpose_id)
    else:
        told = Q(pk__in=agreed) | Q(purposes=consent.purpose_id, active=True)
    return list(Recipient.objects.filter(told).distinct().select_related("endpoint").order_by("pk"))


def _notified_by_webhook(recipient: Recipient) -> bool:
    """A notice goes to the recipient's endpoint only while the bank still works with the recipient: the
    payload names the customer, and an ended relationship's endpoint is nobody's to watch. Otherwise the
    duty is open without a notice and the duties page shows staff they must reach the recipient."""
    return (
        recipient.active
        and recipient.endpoint is not None
        and recipient.endpoint.wants(WITHDRAWAL_NOTICE_TOPIC)
    )


def duties_open_for_withdrawal(
    *, actor: Actor, consent: Consent, now: datetime, received_at: datetime | None = None
) -> list[WithdrawalDuty]:
    """Create the duties of a just-withdrawn consent and queue their notices (caller's transaction).

    The recipients' 72 hours run from `received_at`, when the bank received the withdrawal (a
    request's intake, not its completion); by default, now."""
    received_at = received_at or now

    recipients = _recipients_to_tell(consent)
    if not recipients:
        return []
    due_at = due_at_for(
        request_type="withdraw", received_at=received_at, subject=consent.subject, processor_involved=True
    )
    duties = []
    with transaction.atomic(savepoint=False):
        for recipient in recipients:
            duty = WithdrawalDuty.objects.create(
                consent=consent,
                subject_id=consent.subject_id,
                recipient=recipient,
                received_at=received_at,
                due_at=due_at,
            )
            if _notified_by_webhook(recipient):
                message = outbox_enqueue_webhook(
                    endpoint=recipient.endpoint,
                    topic=WITHDRAWAL_NOTICE_TOPIC,
                    subject_id=consent.subject_id,
                    dedupe_key=f"withdrawal:{consent.pk}:recipient:{recipient.pk}",
                    now=now,
                    payload={
                        "event": WITHDRAWAL_NOTICE_TOPIC,
                        "duty": str(duty.pk),
                        "consent": str(consent.pk),
                        "subject": consent.subject.external_ref,
                        "purpose": consent.purpose.code,
                        "withdrawn_at": now.isoformat(),
                        "stop_processing_by": due_at.isoformat(),
                        "acknowledge": f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/",
                    },
                )
                duty.notice_message_id = message.pk
                duty.save(update_fields=["notice_message_id"])
            duties.append(duty)
        audit_record(
            action="consents.duty.opened",
            actor=actor,
            subject=consent.subject_id,
            target=consent,
            now=now,
            data={"recipients": [r.pk for r in recipients], "due_at": due_at.isoformat()},
        )
    return duties


# The one mover of a duty: `Transition` checks `consents.states.DUTY_MACHINE` (409 otherwise), saves the
# locked duty with a `WithdrawalDutyStatusChange` row and the audit entry.
duty_transition = Transition(
    DUTY_MACHINE,
    WithdrawalDutyStatusChange,
    of="duty",
    refused=_("This withdrawal duty was already acknowledged."),
    code="already_acknowledged",
)


def duty_acknowledge(
    *, actor: Actor, duty_id, note: str = "", client_user_id: int | None = None, now: datetime | None = None
) -> WithdrawalDuty:
    """Record that a recipient confirmed it stopped processing.

    `client_user_id` is set when an integration client acknowledges: it may close only duties of the
    recipients it speaks for. Acknowledging twice is refused (409) rather than silently repeated.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        duty = (
            WithdrawalDuty.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=duty_id)
            .first()
        )
        if duty is None:
            raise NotFound(_("No such withdrawal duty."))
        if client_user_id is not None and duty.recipient.client_id != client_user_id:
            raise PermissionDenied(_("This withdrawal duty belongs to another recipient."))
        duty_transition(
            duty,
            actor=actor,
            to=WithdrawalDuty.Status.ACKNOWLEDGED,
            now=now,
            changes={
                "acknowledged_at": now,
                "acknowledged_by_label": actor.label[:150],
                "acknowledgement_note": note[:500],
            },
            audit_action="consents.duty.acknowledged",
            subject=duty.subject_id,
            data={"recipient": duty.recipient_id, "consent": str(duty.consent_id), "late": now > duty.due_at},
        )
    return duty
