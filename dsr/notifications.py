"""Telling customers, through the notifier (their e-mail, SMS or in-app inbox, by preference), of the
moves of their requests that concern them: received, acknowledged, a question the bank needs answered,
completed (fully or partly), rejected with the legal reason, a deadline extended with its reason, and a
restriction or objection lifted with why.
Queued in the transaction of the move, sent once it commits, in the language of the person written to;
a customer with neither e-mail nor phone on file finds it in the app's inbox.

Staff hear, by e-mail through the outbox as for deadline reminders, when a customer answers the bank's
question: the person the request is assigned to, else the privacy officers who work the queue.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import translation

from accounts.languages import language_for_subject, per_language
from core.roles import WORKING_ROLES, Role
from dsr.models import DataSubjectRequest
from dsr.selectors import request_download_until, subject_acts_on_request
from dsr.states import LiftReason, RequestStatus, customer_reason_label
from integrations.outbox import (
    absolute_url,
    email_message,
    outbox_enqueue_email_batch,
    staff_recipients,
)
from notifications.services import notify

S = RequestStatus
# The moves a customer hears of, by the status reached.
EVENT_BY_STATUS = {
    S.RECEIVED: "received",
    S.VERIFYING_IDENTITY: "acknowledged",
    # The bank's question (the move's note) goes out with the link to answer it on the request page.
    S.AWAITING_CUSTOMER: "waiting",
    S.COMPLETED: "completed",
    S.PARTIALLY_COMPLETED: "partially_completed",
    S.REJECTED: "rejected",
}
TEMPLATE = "dsr/email/customer_update"
STAFF_REPLY_TEMPLATE = "dsr/email/customer_replied"
# Who works an unassigned request (as the deadline reminders of `dsr.clock_sources`).
QUEUE_ROLES = [Role.PRIVACY]


def _note(request: DataSubjectRequest, event: str) -> str:
    if event == "extended":
        return request.extension_note
    if event == "restriction_lifted":
        return request.restriction_lift.note
    # The end of a hold comes years after the answer: its words are not repeated.
    return "" if event in ("held_deleted", "identity_lapsed") else request.outcome_note


def customer_notify(request: DataSubjectRequest, *, event: str, now: datetime, key: str) -> None:
    """Queue the e-mail for `event` (caller's transaction); `key` makes it unique (a history row's id)."""
    # The guardian acting for a child is the one to hear of it, while they still act for the child (as
    # the pages decide, `subject_acts_on_request`); a former guardian hears no more of it.
    guardian = request.guardian if request.guardian_id else None
    person = guardian if subject_acts_on_request(guardian, request) else request.subject
    language = language_for_subject(person)
    with translation.override(language):
        context = {
            "event": event,
            "type_label": str(request.get_type_display()),
            "reference": request.reference,
            # The date that binds (`answer_by`); the key ends in `_at` so the outbox revives it.
            "due_at": request.answer_by.isoformat() if request.answer_by else "",
            "reason_label": _reason_label(request, event),
            "note": _note(request, event),
            # What the law's one extension moved: the statutory date (the bank's own moves only if its
            # row has an extension, so the binding date may not have changed at all).
            "statutory_due_at": request.statutory_due_at.isoformat()
            if event == "extended" and request.statutory_due_at
            else "",
            # ... and when the bank's date, still ahead, comes first, it is the one the customer is
            # promised: the message quotes it beside the law's new one.
            "bank_date_binds": event == "extended" and _bank_date_still_binds(request, now=now),
            "link": absolute_url(reverse("dsr:me_detail", args=[request.pk])),
            "representative_name": _filed_by(request, event),
            # An answer with a file to download says until when it waits on the request's page.
            "download_until_at": _download_until(request, event),
        }
    notify(
        subject=person,
        template=TEMPLATE,
        context=context,
        topic=f"dsr.customer.{event}",
        dedupe_key=f"dsr.customer:{request.pk}:{event}:{key}",
        # Not urgent: the every-minute outbox sweep sends it, so a move costs no extra broker task.
        now=now,
    )


def _filed_by(request: DataSubjectRequest, event: str) -> str:
    """Who filed the request in the customer's name, told with its receipt: a request on a forged or ended
    power of attorney (a deletion above all) must reach the customer's notice before it is carried out."""
    if event != "received" or not request.representative_id:
        return ""
    return request.representative.full_name


def _download_until(request: DataSubjectRequest, event: str) -> str:
    if event not in ("completed", "partially_completed"):
        return ""
    until = request_download_until(request)
    return until.isoformat() if until else ""


def _reason_label(request: DataSubjectRequest, event: str) -> str:
    """The reason the message gives, in the language in force: why a restriction was lifted, else the
    answer's legal reason."""
    if event == "restriction_lifted":
        return customer_reason_label(request.restriction_lift.reason, choices=LiftReason)
    return request.outcome_reason_for_customer


def _bank_date_still_binds(request: DataSubjectRequest, *, now: datetime) -> bool:
    """The bank's deadline is the one that binds (`answer_by`, earlier than the law's) and has not
    passed: a passed one is no date to promise, the law's is then the one left to quote."""
    answer_by, statutory = request.answer_by, request.statutory_due_at
    return bool(answer_by and statutory and now < answer_by < statutory)


def customer_notify_move(
    request: DataSubjectRequest, *, new_status: str, now: datetime, key: str, old_status: str = ""
) -> None:
    event = EVENT_BY_STATUS.get(new_status)
    # Back from waiting for the customer to the identity check, the work picks up where it stood:
    # "we have started handling your request" again would tell them nothing true.
    resumed = old_status == S.AWAITING_CUSTOMER and new_status == S.VERIFYING_IDENTITY
    if event is not None and not resumed:
        customer_notify(request, event=event, now=now, key=key)


def staff_notify_customer_replied(request: DataSubjectRequest, *, now: datetime, key: str) -> None:
    """Queue an e-mail (caller's transaction) telling staff that the customer answered: the assignee,
    else the queue. It names the request by its reference and links to it; the answer itself, the
    customer's words, is read on the request page, not sent by e-mail."""
    assignee = [request.assignee_id] if request.assignee_id else []
    recipients = staff_recipients(user_ids=assignee, roles=list(WORKING_ROLES)) if assignee else {}
    if not recipients:
        recipients = staff_recipients(roles=QUEUE_ROLES)
    wording = per_language(lambda: {
        "type_label": str(request.get_type_display()),
        "link": absolute_url(reverse("dsr:detail", args=[request.pk])),
    })
    messages = [
        email_message(
            to=recipient.address,
            template=STAFF_REPLY_TEMPLATE,
            context={"reference": request.reference, **wording(recipient.language)},
            topic="dsr.staff.customer_replied",
            dedupe_key=f"dsr.staff.replied:{request.pk}:{key}:{user_id}",
            language=recipient.language,
            now=now,
        )
        for user_id, recipient in recipients.items()
    ]
    # Not urgent: the every-minute outbox sweep sends them.
    outbox_enqueue_email_batch(messages, dispatch=False)
