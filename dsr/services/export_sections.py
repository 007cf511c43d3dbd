"""The parts of an access or copy export read from the platform's own records (`export_content` in
`dsr.services.exports` puts them beside the profile and what the systems returned): the consent history
with who recorded each event, what each consent let the bank share and with whom, and whom a withdrawal
told to stop; the recipients told of a correction, or told to stop or to delete by a restriction, an
objection or an erasure, by purpose; the restrictions and objections in force;
the customer's requests with the answers they were given; the record of the messages sent to them; and
the guardian relation.

Stored as codes and ISO times in Vietnam time with their offset (`local_isoformat`), as the rest of the
export; the readable forms add labels (`dsr.services.export_formats`). Staff appear by role, never by
name; the bank's internal notes on a request stay out, what the customer was told (the question, the
answer, the legal reason) goes in."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from consents.models import Consent, ConsentEvent, ConsentStatus, WithdrawalDuty
from consents.receipts import reads_as_transcribed, recipient_stops, transcribed_at
from consents.scope import abroad_as_told
from consents.selectors import (
    consent_history_of,
    notices_by_kind_and_purpose,
    restrictions_in_force,
    withdrawal_duties_of_consents,
)
from consents.services.withdrawals import withdrawal_reason_is_persons_words
from core.actors import ActorKind
from core.roles import STAFF_ROLES, user_roles
from deadlines.policy import local_isoformat
from dsr.models import DataSubjectRequest, RequestStatusChange
from dsr.sources import request_id_behind_restriction, request_id_of_source
from dsr.states import REQUEST_MACHINE, RequestStatus
from notifications.selectors import notifications_sent
from subjects.models import CustomerAccount, DataSubject

# Who recorded a consent event, as `recorded_by` codes it (besides a staff role's code and a client's name).
RECORDED_BY_YOU = "you"
RECORDED_BY_GUARDIAN = "guardian"
RECORDED_BY_WARD = "ward"
RECORDED_BY_CUSTOMER = "customer"
RECORDED_BY_STAFF = "staff"
RECORDED_BY_SYSTEM = "system"
# An answer the bank transcribed from the customer's form by an import, whoever ran it
# (`consents.receipts.reads_as_transcribed`).
RECORDED_BY_TRANSCRIBED = "transcribed"
# Who wrote a line of a request's conversation.
FROM_BANK = "bank"
FROM_CUSTOMER = "customer"


def consent_sections(subject: DataSubject, *, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """`consent_events`, the history `consent_history_of` gives the customer, each event with who recorded
    it; and `consents`, each consent of that history once, with its evidence reference, the recipients and
    destination of what was agreed, and the recipients its withdrawal told to stop (a withdrawal the
    history shows). A fixed number of queries, however many consents."""
    events = consent_history_of(subject)
    staff_ids = {e.actor_user_id for e in events if e.actor_kind == ActorKind.STAFF and e.actor_user_id}
    roles = user_roles(staff_ids) if staff_ids else {}
    consents: dict[Any, Consent] = {}
    for event in events:
        consents.setdefault(event.consent_id, event.consent)
    withdrawn = {e.consent_id for e in events if e.kind == ConsentEvent.Kind.WITHDRAWN}
    duties = withdrawal_duties_of_consents(withdrawn) if withdrawn else {}
    return {
        "consent_events": [
            {
                "consent": str(e.consent_id),
                "purpose": e.consent.purpose.code,
                "notice_version": e.consent.notice.version,
                "event": e.kind,
                "at": local_isoformat(e.at),
                "channel": e.channel,
                "for_ward": e.consent.subject_id != subject.pk,
                "recorded_by_kind": e.actor_kind,
                "recorded_by": _recorded_by(e, subject, roles),
                "reason": _withdrawal_reason(e, subject, roles),
                # The event's own proof (a withdrawal's call recording): the grant's is the consent's.
                "evidence": e.evidence or None,
            }
            for e in events
        ],
        "consents": [
            _consent_entry(consent, subject, duties.get(pk, []), now=now) for pk, consent in consents.items()
        ],
    }


def _recorded_by(event: ConsentEvent, subject: DataSubject, roles: dict) -> str:
    """Who recorded the event, for the customer reading the export: themselves, their guardian or ward,
    the customer; the bank transcribing their answer by an import, as their receipt says it; a member of
    staff by role; an integration client by its name (a system's, not a person's); the platform itself."""
    if reads_as_transcribed(event.actor_kind, event.kind, transcribed_at(event)):
        return RECORDED_BY_TRANSCRIBED
    if event.actor_kind == ActorKind.CUSTOMER:
        account = getattr(event.actor_user, "customer_account", None) if event.actor_user_id else None
        acting = account.subject_id if account is not None else None
        if acting is None:
            return RECORDED_BY_CUSTOMER
        if acting == subject.pk:
            return RECORDED_BY_YOU
        if acting == event.consent.guardian_id:
            return RECORDED_BY_GUARDIAN
        if acting == event.consent.subject_id:
            return RECORDED_BY_WARD
        return RECORDED_BY_CUSTOMER
    if event.actor_kind == ActorKind.STAFF:
        role = roles.get(event.actor_user_id)
        return role.value if role in STAFF_ROLES else RECORDED_BY_STAFF
    if event.actor_kind == ActorKind.CLIENT:
        return event.actor_label
    return RECORDED_BY_SYSTEM


def _withdrawal_reason(event: ConsentEvent, subject: DataSubject, roles: dict) -> str | None:
    """The reason given for a withdrawal when it is the customer's own words: recorded by them or by staff
    or a channel on their instruction, not by their guardian or ward (that person's words), and none of
    the platform's own reasons (`withdrawal_reason_is_persons_words`). An erased one stays the marker
    (`core.erased`), which the readable forms show as a sentence."""
    if event.kind != ConsentEvent.Kind.WITHDRAWN or not withdrawal_reason_is_persons_words(event.reason):
        return None
    if _recorded_by(event, subject, roles) in (RECORDED_BY_GUARDIAN, RECORDED_BY_WARD):
        return None
    return event.reason


def _consent_entry(consent: Consent, subject: DataSubject, duties: list, *, now: datetime) -> dict[str, Any]:
    # What the customer agreed to, frozen at the grant (or the scope of the version it names, for a
    # consent recorded before receipts froze it); a refusal agreed to nothing, so it shared nothing.
    scope = consent.snapshot.get("scope") or consent.notice.scope or {}
    shared = consent.status != ConsentStatus.REFUSED
    abroad, destinations = abroad_as_told(scope) if scope else (False, None)
    return {
        "consent": str(consent.pk),
        "purpose": consent.purpose.code,
        "notice_version": consent.notice.version,
        "for_ward": consent.subject_id != subject.pk,
        "evidence": consent.evidence,
        # The self-service or app session and device the consent was given from.
        "device": consent.device or None,
        "session_ref": consent.session_ref or None,
        # The ids name each recipient in the reader's language when the export is read (`recipient_labels`).
        "recipients": [
            {"id": r.get("id"), "name": r["name"], "kind": r["kind"], "country": r["country"]}
            for r in (scope.get("recipients") or [] if shared else [])
        ],
        "cross_border": shared and abroad,
        "destination_country": destinations if shared else None,
        "withdrawal_duties": [
            {
                "recipient": stop["recipient"],
                "recipient_id": stop["recipient_id"],
                "due_at": local_isoformat(stop["due_at"]),
                "acknowledged_at": local_isoformat(stop["acknowledged_at"]),
                "late": stop["late"],
            }
            for stop in recipient_stops(consent, for_customer=True, now=now, duties=duties)
        ],
    }


# The recipients' duties the customer's changes opened that the export lists, by its section: whom a
# correction was passed on to, whom a restriction or objection told to stop, whom an erasure told to
# delete (a withdrawal's stops are listed under its consent).
PASSED_ON = {
    "corrections_passed_on": WithdrawalDuty.Kind.RECTIFICATION,
    "restrictions_passed_on": WithdrawalDuty.Kind.RESTRICTION,
    "erasures_passed_on": WithdrawalDuty.Kind.ERASURE,
}


def passed_on_sections(subject: DataSubject, *, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Per section of `PASSED_ON`, each purpose the customer's data was shared for (one resting on no
    consent too, which no consent lists) whose recipients the customer's changes told to act, with its
    notices: the recipient, when it was sent and due, when the recipient confirmed, `late`, its status
    and when it was called off (a restriction's stop whose request ended first), and the
    corrected fields by name (a correction) or the request that told it (the others). Not who
    acknowledged, how, nor the bank's note: as the withdrawals' stops (`recipient_stops`). One query."""
    by_kind = notices_by_kind_and_purpose(subject.pk, kinds=PASSED_ON.values())
    return {
        section: [
            {"purpose": code, "notices": [_notice_entry(notice, now=now) for notice in notices]}
            for code, notices in by_kind.get(kind, {}).items()
        ]
        for section, kind in PASSED_ON.items()
    }


def _notice_entry(notice: WithdrawalDuty, *, now: datetime) -> dict[str, Any]:
    if notice.kind == WithdrawalDuty.Kind.RECTIFICATION:
        told_for = {"fields": list(notice.fields)}
    else:
        request_id = request_id_of_source(notice.source)
        told_for = {"request": str(request_id) if request_id else None}
    return {
        "recipient": notice.recipient.name,
        "recipient_id": notice.recipient_id,
        **told_for,
        "sent_at": local_isoformat(notice.received_at),
        "due_at": local_isoformat(notice.due_at),
        "acknowledged_at": local_isoformat(notice.acknowledged_at),
        "late": notice.late(now),
        # A stop called off (its request refused or cancelled before the recipient confirmed) is no
        # longer due: without these it would read as one the recipient never confirmed.
        "status": notice.status,
        "called_off_at": local_isoformat(notice.called_off_at),
    }


def restriction_entries(subject: DataSubject) -> list[dict[str, Any]]:
    """The restrictions, objections and legal holds in force: the purpose (None: every purpose the kind
    reaches), since when, and the request that put it in force (a legal hold's: the deletion it kept data
    from)."""
    entries = []
    for restriction in restrictions_in_force(subject).order_by("started_at"):
        request_id = request_id_behind_restriction(restriction.source)
        entries.append({
            "kind": restriction.kind,
            "purpose": restriction.purpose.code if restriction.purpose else None,
            "since": local_isoformat(restriction.started_at),
            "request": str(request_id) if request_id else None,
        })
    return entries


def request_entries(subject: DataSubject) -> list[dict[str, Any]]:
    """The customer's requests with their history and what they were told: the legal reason of a refusal
    or partial answer, the answer, the reason for an extension, and the bank's questions with the
    customer's answers. Two queries."""
    requests = (
        DataSubjectRequest.objects.filter(subject=subject)
        .order_by("received_at")
        .prefetch_related("status_changes")
    )
    return [_request_entry(request) for request in requests]


def _request_entry(r: DataSubjectRequest) -> dict[str, Any]:
    changes = list(r.status_changes.all())
    closed = r.status in REQUEST_MACHINE.terminal
    return {
        "id": str(r.pk),
        "type": r.type,
        "status": r.status,
        "channel": r.channel,
        "received_at": local_isoformat(r.received_at),
        "due_at": local_isoformat(r.due_at),
        "closed_at": local_isoformat(r.closed_at),
        # The customer's own words: what they asked or complained about, the values to correct to.
        "details": r.details or None,
        "corrections": json.loads(r.corrections) if r.corrections else {},
        "outcome_reason": r.outcome_reason or None,
        # While the bank waits for the customer the note is its question, given in `conversation`.
        "outcome_note": (r.outcome_note or None) if closed else None,
        "extended_at": local_isoformat(r.extended_at),
        "extension_note": r.extension_note or None,
        "history": [
            {"from": c.old_status, "to": c.new_status, "at": local_isoformat(c.at)} for c in changes
        ],
        "conversation": [
            {
                "from": FROM_CUSTOMER if c.is_customer_reply else FROM_BANK,
                "at": local_isoformat(c.at),
                "text": c.note,
            }
            for c in changes
            if c.is_customer_reply or (c.new_status == RequestStatus.AWAITING_CUSTOMER and c.note)
        ],
    }


def message_entries(subject: DataSubject) -> list[dict[str, Any]]:
    """The record of every message sent to the customer: what about (its topic), on which channel, whether
    it was delivered and when it was read; not what it said (an erasure empties that)."""
    return [
        {
            "topic": n.topic,
            "channel": n.channel,
            "status": n.status,
            "sent_at": local_isoformat(n.created_at),
            "delivered_at": local_isoformat(n.delivered_at),
            "read_at": local_isoformat(n.read_at),
        }
        for n in notifications_sent(subject)
    ]


def guardianship_entry(subject: DataSubject, wards: list[DataSubject]) -> dict[str, Any]:
    """The customer's guardian on record, and the children they act for as verified guardian (`wards`,
    `wards_verified`), each by customer number (CIF) and when the bank verified the guardian's authority:
    what the customer's pages and receipts already show them of the other person, nothing more (no
    name, document or contact)."""
    guardian = subject.guardian if subject.guardian_id else None
    return {
        "guardian": None
        if guardian is None
        else {
            "customer_number": guardian.external_ref,
            "verified_at": local_isoformat(subject.guardian_verified_at),
        },
        "wards": [
            {"customer_number": ward.external_ref, "verified_at": local_isoformat(ward.guardian_verified_at)}
            for ward in wards
        ],
    }


def guardian_request_entries(subject: DataSubject, *, acting_for: set) -> list[dict[str, Any]]:
    """The requests the customer filed as guardian for a child, by reference, with their own part only:
    what they asked (`details`), their replies to the bank's questions, and whether and how their
    identity was checked. Not the child's data: no corrected values, no answer about the child; how the
    request went (status, closing) only while they still act for the child (`acting_for`, the wards of
    `wards_verified`), as their pages show it (`dsr.selectors.requests_for_subject`). Two queries."""
    accounts = CustomerAccount.objects.filter(subject=subject).values("user_id")
    replies = RequestStatusChange.objects.filter(
        actor_kind=ActorKind.CUSTOMER, old_status=RequestStatus.AWAITING_CUSTOMER, actor_user__in=accounts
    ).order_by("at", "pk")
    requests = (
        DataSubjectRequest.objects.filter(guardian=subject)
        .exclude(subject=subject)
        .order_by("received_at", "pk")
        .prefetch_related(Prefetch("status_changes", queryset=replies, to_attr="guardian_replies"))
    )
    entries = []
    for r in requests:
        acting = r.subject_id in acting_for
        entries.append(
            {
                "id": str(r.pk),
                "type": r.type,
                "channel": r.channel,
                "received_at": local_isoformat(r.received_at),
                "status": r.status if acting else None,
                "closed_at": local_isoformat(r.closed_at) if acting else None,
                "details": r.details or None,
                "identity_method": r.identity_method or None,
                "identity_verified_at": local_isoformat(r.identity_verified_at),
                "replies": [
                    {"at": local_isoformat(c.at), "text": c.note} for c in r.guardian_replies if c.note
                ],
            }
        )
    return entries
