"""What proves a recipient knew of its duty, whatever the duty's kind: when its notice reached it, dated on
the duty in the delivery's own transaction (the outbox audits no delivery), and, when it confirmed, how
it had learnt: the notice delivered; through the API, its own authenticated client reading the duty
list (a recipient without an endpoint, or whose notice failed: its acknowledgement is itself the proof
it knew); or by hand, staff recording its confirmation with their note.

A confirmation cancels the notice still waiting in the outbox: a notice delivered after the recipient
confirmed would only repeat a duty it already closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.models import WithdrawalDuty
from core.actors import Actor
from core.erased import REASON_ERASED
from core.errors import InvalidInput
from integrations.models import OutboxMessage
from integrations.outbox import outbox_cancel
from subjects.models import DataSubject
from subjects.validators import PASSPORT_NUMBER_IN_TEXT, compatibility_form

WAITING = (OutboxMessage.Status.PENDING, OutboxMessage.Status.PARKED)
NOTICE_NOT_NEEDED = "the recipient confirmed its duty before this notice was delivered"
# A confirmation's reference is a letter's or a ticket's number: letters, digits and the marks such
# numbers use, on one line.
REFERENCE_SHAPE = re.compile(r"\w[\w ./#:()-]*")
# What a reference must not hold, being kept after the customer's erasure: an e-mail address, or nine
# digits or more however spaced (a phone number, an identity card's); a passport number is
# `PASSPORT_NUMBER_IN_TEXT`.
REFERENCE_PERSONAL = re.compile(r"@|\d(?:[ .-]?\d){8,}")
# Shorter than this, a customer's number (a CIF "12") is looked for as a whole word of the reference,
# not anywhere inside it, where it would refuse most letter numbers.
NUMBER_FOUND_INSIDE_FROM = 5


def duty_reference_checked(reference: str) -> str:
    """The reference staff gave for a recipient's confirmation, trimmed; one longer than the field, on
    more than one line, or looking like personal data is refused (400 `reference`): it outlives the
    customer's erasure."""
    reference = reference.strip()
    max_length = WithdrawalDuty._meta.get_field("acknowledgement_reference").max_length
    if reference and (
        len(reference) > max_length
        or not REFERENCE_SHAPE.fullmatch(reference)
        or REFERENCE_PERSONAL.search(reference)
        or PASSPORT_NUMBER_IN_TEXT.search(compatibility_form(reference))
    ):
        raise InvalidInput(
            _(
                "Give the recipient's letter or ticket number (at most %(max)s characters, no e-mail "
                "address, phone, identity or passport number): it is kept after the customer's data is "
                "erased."
            ),
            field="reference",
            max=max_length,
        )
    return reference


def _compact(text: str) -> str:
    """Letters and digits only, in upper case, full-width ones as ASCII: "ab 123-456" is "AB123456"."""
    return re.sub(r"[\W_]", "", compatibility_form(text)).upper()


def duty_reference_not_the_customers(reference: str, customer: DataSubject) -> None:
    """Refuse (400 `reference`) a reference holding the duty's customer's own number however spaced:
    their customer number (CIF, kept after the erasure) or, while on file, their passport or citizen ID
    number. A name cannot be told from a letter's words, so the form asks for a number only."""
    if not reference:
        return
    words = {_compact(word) for word in reference.split()}
    compact = _compact(reference)
    for number in (customer.external_ref, customer.passport_number, customer.national_id):
        number = _compact(number or "")
        if number and (number in words or (len(number) >= NUMBER_FOUND_INSIDE_FROM and number in compact)):
            raise InvalidInput(
                _(
                    "The reference holds the customer's own customer number (CIF) or identity document "
                    "number: give the recipient's letter or ticket number, which is kept after the "
                    "customer's data is erased."
                ),
                field="reference",
            )


def duty_notice_delivered(sender, *, message: OutboxMessage, error: str, now: datetime, **_kwargs) -> None:
    """On `integrations.signals.outbox_attempt_finished`, in the delivery's transaction (the message
    locked, then the duty: the order `duty_acknowledge` keeps): a delivered notice dates its open duty
    told, audited. A duty already confirmed stays untold: a notice its confirmation cancelled while it
    was being sent reached the recipient after it knew."""
    if error or message.kind != OutboxMessage.Kind.WEBHOOK or message.status != OutboxMessage.Status.SENT:
        return
    duty = (
        WithdrawalDuty.objects.select_for_update(of=("self",))
        .filter(notice_message_id=message.pk, status=WithdrawalDuty.Status.OPEN, told_at__isnull=True)
        .first()
    )
    if duty is None:
        return
    duty.told_at = message.sent_at
    duty.save(update_fields=["told_at"])
    audit_record(
        action="consents.duty.told",
        actor=Actor.system("consents.duty_notice_delivered"),
        subject=duty.subject_id,
        target=duty,
        now=now,
        data={
            "recipient": duty.recipient_id, "notice": str(message.pk), "told_at": message.sent_at.isoformat()
        },
    )


def duty_notices_waiting_locked(duties: Iterable[WithdrawalDuty]) -> list[OutboxMessage]:
    """The notices of `duties` still waiting (pending, parked), locked in id order, before the duties
    are (the order a delivery and `duty_acknowledge` keep). A notice being delivered is waited for;
    sent meanwhile, it is left out: a sent notice never waits again."""
    waiting = OutboxMessage.objects.select_for_update().filter(
        pk__in=[duty.notice_message_id for duty in duties if duty.notice_message_id], status__in=WAITING
    )
    return list(waiting.order_by("pk"))


def duty_notices_cancel(waiting: Iterable[OutboxMessage], *, reason: str) -> list[str]:
    """Duties' notices still waiting, locked (`duty_notices_waiting_locked`), cancelled in the caller's
    transaction, so none reaches its recipient after what made it moot; returns their ids."""
    cancelled = []
    for message in waiting:
        outbox_cancel(message, reason=reason)
        cancelled.append(str(message.pk))
    return cancelled


def duty_notice_locked(duty_id) -> OutboxMessage | None:
    """The duty's notice, locked before the duty is (the delivery locks them in that order too)."""
    notice_id = WithdrawalDuty.objects.filter(pk=duty_id).values_list("notice_message_id", flat=True).first()
    if notice_id is None:
        return None
    return OutboxMessage.objects.select_for_update().filter(pk=notice_id).first()


def duty_learnt(duty: WithdrawalDuty, notice: OutboxMessage | None, *, by_recipient: bool) -> dict[str, Any]:
    """How the recipient of the locked `duty` learnt of it, as its confirmation records it: the fields
    to save and what the audit entry adds. Its `notice` still waiting (pending, parked) is cancelled in
    the caller's transaction."""
    through = WithdrawalDuty.ConfirmedThrough
    fields = {"confirmed_through": through.RECIPIENT_API if by_recipient else through.STAFF}
    cancelled = None
    if duty.told_at is not None:
        fields["learnt_how"] = WithdrawalDuty.Learnt.NOTICE
    else:
        fields["learnt_how"] = WithdrawalDuty.Learnt.API if by_recipient else WithdrawalDuty.Learnt.BY_HAND
        if notice is not None and notice.status in WAITING:
            outbox_cancel(notice, reason=NOTICE_NOT_NEEDED)
            cancelled = str(notice.pk)
    audited = {"learnt": fields["learnt_how"], "through": fields["confirmed_through"]}
    return {"fields": fields, "audited": {**audited, "notice_cancelled": cancelled}}


def duty_note_kept(duty: WithdrawalDuty, note: str) -> str:
    """The note kept on the acknowledgement: a duty confirmed after its customer was erased (the
    erasure's own, or a stop the deletion opened when it withdrew the consents still live) keeps no
    words about them (an e-mail quoting their name), as `duty_notes_erase` erased those written before;
    when and by whom stay the proof. A customer is erased once an erasure told their recipients to
    delete: every recipient a later duty concerns held their data then."""
    erased = WithdrawalDuty.objects.filter(subject_id=duty.subject_id, kind=WithdrawalDuty.Kind.ERASURE)
    return REASON_ERASED if erased.exists() else note[:500]


def duty_notes_erase(*, subject_id) -> int:
    """In the erasure's transaction (a completed deletion request): the notes staff wrote on how each
    recipient confirmed it stopped or corrected the customer's data (an e-mail quoting the customer's
    name, a call), read `REASON_ERASED`. When and by whom each duty was acknowledged, and whether late,
    stay: the proof that the recipients were told and answered, and so does the recipient's reference
    (`duty_reference_checked`: no personal data). Staff's reason for a late confirmation
    (`duty_late_reason_record`), free text too, reads `REASON_ERASED` with them: that the duty was late
    and that a reason was recorded stay. Returns how many notes were erased."""
    duties = WithdrawalDuty.objects.filter(subject_id=subject_id)
    duties.exclude(late_reason__in=("", REASON_ERASED)).update(late_reason=REASON_ERASED)
    notes = duties.exclude(acknowledgement_note__in=("", REASON_ERASED))
    return notes.update(acknowledgement_note=REASON_ERASED)
