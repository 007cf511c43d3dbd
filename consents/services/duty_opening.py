"""Opening a recipient's duty and sending its signed notice (`consents.services.duties` says what each
duty is for): the notice goes to the recipient's endpoint while the bank works with the recipient, and
names only the purposes the endpoint's client serves (`integrations.audience`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from consents.models import Consent, Purpose, Recipient, WithdrawalDuty
from integrations.audience import PurposeAudience
from integrations.outbox import outbox_enqueue_webhook
from subjects.models import DataSubject


def notice_withheld_for(recipient: Recipient, topic: str) -> str:
    """Why no notice goes to the recipient's endpoint ("" when one may): it goes only while the bank still
    works with the recipient (the payload names the customer, and an ended relationship's endpoint is
    nobody's to watch), to an endpoint that takes the topic. Otherwise the duty is open without a notice
    and the duties page shows staff why, and that they must reach the recipient. An endpoint switched off
    for a while is no reason: the notice waits for it, parked, as those queued before the pause do, and
    goes when it is switched on again (`integrations.outbox.outbox_resume_endpoint`)."""
    withheld = WithdrawalDuty.NoticeWithheld
    if not recipient.active:
        return withheld.RECIPIENT_INACTIVE
    if recipient.endpoint is None:
        return withheld.NO_ENDPOINT
    if not recipient.endpoint.takes(topic):
        return withheld.ENDPOINT_OFF
    return ""


def duty_open(
    *, consent: Consent | None, recipient: Recipient, kind: str, received_at: datetime, due_at: datetime,
    topic: str, now: datetime, notice: Mapping[str, Any], fields: list[str] | None = None,
    dedupe_key: str = "", source: str = "", subject: DataSubject | None = None,
    purpose: Purpose | None = None, audience: PurposeAudience,
) -> WithdrawalDuty:
    """One duty, and its signed notice to the recipient's endpoint when it has one (caller's
    transaction): `notice` is what the payload says beyond the duty, the customer and how to
    acknowledge; the notice is queued once per `dedupe_key` (by default, once per duty). A correction
    passed on to a recipient of a purpose resting on no consent names the `subject` and `purpose`.
    The notice names only the purposes the endpoint's client serves (`audience`, read once for the
    fan-out), and is not sent when it serves none of them: the duty stays open for staff to reach it."""
    subject = subject or consent.subject
    withheld = notice_withheld_for(recipient, topic)
    duty = WithdrawalDuty.objects.create(
        consent=consent, purpose=None if consent else purpose, subject_id=subject.pk, recipient=recipient,
        kind=kind, fields=fields or [], received_at=received_at, due_at=due_at, source=source,
        notice_withheld=withheld,
    )
    if withheld:
        return duty
    payload = audience.notice_for(recipient.endpoint, {
        "event": topic,
        "duty": str(duty.pk),
        "consent": str(consent.pk) if consent else None,
        "subject": subject.external_ref,
        **notice,
        "acknowledge": f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/",
    })
    if payload is None:
        duty.notice_withheld = WithdrawalDuty.NoticeWithheld.PURPOSE_NOT_SERVED
        duty.save(update_fields=["notice_withheld"])
        return duty
    if consent is not None and consent.purpose.code not in payload.get("purposes", [consent.purpose.code]):
        # The consent it first received the data under is of a purpose its client does not serve.
        payload["consent"] = None
    message = outbox_enqueue_webhook(
        endpoint=recipient.endpoint, topic=topic, subject_id=subject.pk, payload=payload, now=now,
        dedupe_key=dedupe_key or f"{kind}:{duty.pk}", audience=audience,
    )
    duty.notice_message_id = message.pk
    duty.save(update_fields=["notice_message_id"])
    return duty


def recipients_audience(recipients: Iterable[Recipient]) -> PurposeAudience:
    """The purposes served by the clients of these recipients' endpoints, read once for a fan-out."""
    return PurposeAudience.of_endpoints(recipient.endpoint for recipient in recipients)
