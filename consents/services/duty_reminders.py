"""The recipient's own reminder of a duty it has not confirmed as its deadline nears (the hourly beat job
`consents.remind_recipients`). Staff are reminded by the deadline sweep and the DPO can redeliver a notice
by hand; this tells the recipient itself, once per duty: its webhook endpoint is sent the duty's notice
again, marked `"reminder": true`, and its privacy contact an e-mail in the recipient's language, whichever
of the two it is set up for. The e-mail names the duty, the purpose and the deadline, never the customer:
the signed notice (or the bank's staff) says who. The duty records when and how it was reminded, with its
audit entry, and a second run of the job finds nothing left to do."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from audit.services import audit_record_many
from consents.models import WithdrawalDuty
from core.actors import Actor
from integrations.models import OutboxMessage
from integrations.outbox import absolute_url, outbox_enqueue_email, outbox_enqueue_webhook
from subjects.locks import of_customers_locked

# A day before the bank's deadline (72 hours by its policy): two days in which the notice should have been
# acted on, and a day left to act and confirm. A duty opened late (its clock runs from the request's
# intake) is reminded on the job's first run within that day, or after its deadline passed.
RECIPIENT_REMINDED_BEFORE = timedelta(hours=24)
REMINDER_TEMPLATE = "consents/email/duty_reminder"
REMINDER_TOPIC = "consents.recipient.duty_reminder"
REMINDERS_PER_RUN = 200
SYSTEM = Actor.system("consents.remind_recipients")


def duties_to_remind(now: datetime):
    """Open duties within `RECIPIENT_REMINDED_BEFORE` of their deadline (or past it), of an active
    recipient that has a contact e-mail or whose notice went to its endpoint: never reminded, or reminded
    through no channel (the endpoint no longer took the notice) while an e-mail address has been given
    since, which that address is then used for. A duty reminded through any channel is not reminded again."""
    has_email = Q(recipient__contact_email__gt="")
    reachable = has_email | Q(notice_message_id__isnull=False, recipient__endpoint__isnull=False)
    not_yet_reminded = Q(reminded_at__isnull=True) | (Q(reminder_channels=[]) & has_email)
    return (
        WithdrawalDuty.objects.filter(
            status=WithdrawalDuty.Status.OPEN, due_at__lte=now + RECIPIENT_REMINDED_BEFORE,
            recipient__active=True,
        )
        .filter(reachable & not_yet_reminded)
        .order_by("due_at", "pk")
    )


def duties_remind_recipients(*, now: datetime | None = None, limit: int = REMINDERS_PER_RUN) -> int:
    """Remind the recipients of up to `limit` due duties (one transaction; the job runs again while a
    batch was full). The customers are locked first, skipping those another writer holds, then the duties,
    skipping those being confirmed: the next run takes them. Returns how many duties were reminded."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        (of_held,) = of_customers_locked(duties_to_remind(now), customer="subject_id", limit=limit)
        due = list(
            of_held.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient__endpoint", "consent__purpose", "purpose")[:limit]
        )
        notices = OutboxMessage.objects.in_bulk(
            [duty.notice_message_id for duty in due if duty.notice_message_id]
        )
        for duty in due:
            duty.reminder_channels = _remind(duty, notices.get(duty.notice_message_id), now=now)
            duty.reminded_at = now
        WithdrawalDuty.objects.bulk_update(due, ["reminded_at", "reminder_channels"])
        audit_record_many([
            {
                "action": "consents.duty.reminded", "actor": SYSTEM, "subject": duty.subject_id,
                "target": duty, "now": now,
                "data": {"recipient": duty.recipient_id, "channels": duty.reminder_channels,
                         "due_at": duty.due_at.isoformat(), "late": now > duty.due_at},
            }
            for duty in due
        ])
    return len(due)


def _remind(duty: WithdrawalDuty, notice: OutboxMessage | None, *, now: datetime) -> list[str]:
    """Queue the duty's reminders; the channels they went through, in name order."""
    channels = []
    recipient = duty.recipient
    if recipient.contact_email:
        outbox_enqueue_email(
            to=recipient.contact_email, template=REMINDER_TEMPLATE, topic=REMINDER_TOPIC,
            language=recipient.language, subject_id=duty.subject_id, now=now,
            dedupe_key=f"duty-reminder:{duty.pk}:email", context=_email_context(duty, now=now),
        )
        channels.append("email")
    if _webhook_reminder(duty, notice, now=now):
        channels.append("webhook")
    return channels


def _webhook_reminder(duty: WithdrawalDuty, notice: OutboxMessage | None, *, now: datetime) -> bool:
    """The duty's notice sent again to the recipient's endpoint, marked as a reminder, when the endpoint
    still takes its topic and the notice's body is still kept."""
    endpoint = duty.recipient.endpoint
    if notice is None or endpoint is None or not endpoint.takes(notice.topic) or not notice.payload:
        return False
    payload = {**json.loads(notice.payload), "reminder": True, "reminded_at": now.isoformat()}
    return outbox_enqueue_webhook(
        endpoint=endpoint, topic=notice.topic, payload=payload, subject_id=duty.subject_id, now=now,
        dedupe_key=f"duty-reminder:{duty.pk}:webhook",
    ) is not None


def _email_context(duty: WithdrawalDuty, *, now: datetime) -> dict:
    recipient = duty.recipient
    with translation.override(recipient.language):
        return {
            "recipient": recipient.name_in_reader_language,
            "duty": str(duty.pk),
            "kind": str(duty.get_kind_display()),
            "purpose": duty.purpose_shared.name,
            "due_at": duty.due_at,
            "overdue": now > duty.due_at,
            "acknowledge": absolute_url(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/")
            if recipient.client_id else "",
        }
