"""Intake: a new request validated (details, corrections, purposes), received, its clocks started and
the requesting client told."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.catalogue import purpose_in_force, with_versions
from consents.models import LegalBasis, Purpose
from consents.services.rules import channel_validate
from core.actors import Actor
from core.db import durable_entry_point
from core.errors import Conflict, InvalidInput
from core.text import nfc
from deadlines.history import policies_as_of
from deadlines.models import RequestType
from deadlines.policy import deadlines_for, policy_snapshot
from dsr.models import (
    CORRECTION_TYPES,
    PURPOSE_TYPES,
    Channel,
    ClockEvent,
    DataSubjectRequest,
)
from dsr.notifications import customer_notify_move
from dsr.services.base import clock_record
from dsr.services.client_webhooks import notify_requesting_client
from dsr.services.complaints import complaint_challenge_check
from dsr.services.moves import S, status_change_record
from dsr.services.receipt_times import extended_elsewhere_deadlines, receipt_check
from dsr.services.repeats import Repeat, request_repeat_check
from subjects.changes import subject_changes_check
from subjects.children import GUARDIAN_ONLY_BELOW_AGE, guardian_minor_error, may_be_child
from subjects.models import DataSubject
from subjects.selectors import ACT_REQUESTS, representative_by_id_number, subject_field_label
from subjects.services import RECTIFIABLE_FIELDS
from subjects.validators import age_on

MAX_DETAILS_LENGTH = 4000

# From 7 a child's own agreement stands beside the guardian's in every consent (Decree 13/2023 Art. 20),
# so a child takes it back, objects or asks for a restriction without the guardian: these only stop or
# limit processing. What reads, changes or erases the child's data, and a complaint, go through the
# guardian until 16 (docs/consents.md, "A guardian acts for a child only").
CHILD_FILES_ALONE = frozenset({RequestType.WITHDRAW, RequestType.OBJECT, RequestType.RESTRICT})

MAX_PURPOSES = 50

# Guardians are corrected through their own procedure (authority re-checked); what the person is to the
# bank, the relationship's end, a death and an eKYC check of adulthood are the bank's records, not a
# customer's correction.
CORRECTABLE_FIELDS = tuple(
    f for f in RECTIFIABLE_FIELDS
    if f not in ("guardian", "relationship", "relationship_ended_on", "deceased_on", "adult_verified")
)

# What a correction may remove rather than replace: a contact detail or passport number that is not the
# customer's at all (someone else's e-mail). Only when said explicitly (None: "remove this value"), never
# by a blank value, which is a box left empty. The other fields the record must hold: corrected, never
# emptied.
REMOVABLE_FIELDS = ("email", "phone", "passport_number")

# Staff are told which customer number holds a citizen ID or passport (`subject_changes_check`), so that
# they can sort the two records out; a customer is never told whose record holds it (`correction_refused`).
DOCUMENT_HELD_FOR_CUSTOMER = {
    "duplicate_national_id": _(
        "This citizen ID cannot be recorded on your record as it is. Please bring your citizen ID card to "
        "a branch so that we can check it."
    ),
    "duplicate_passport_number": _(
        "This passport number cannot be recorded on your record as it is. Please bring your passport to "
        "a branch so that we can check it."
    ),
}


def request_create_in_transaction(
    *,
    actor: Actor,
    subject: DataSubject,
    type: str,
    channel: str,
    details: str = "",
    corrections: dict[str, Any] | None = None,
    purposes: list[str] | None = None,
    guardian: DataSubject | None = None,
    own_contact_details: bool = False,
    received_at: datetime | None = None,
    received_by: str = "",
    extended_until: date | None = None,
    extension_note: str = "",
    on_repeat: Repeat = Repeat.REFUSE,
    challenges: DataSubjectRequest | None = None,
    representative_id_number: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Receive a request and start both clocks. A guardian acts for a child only once their
    authority has been verified on the child's record. Inside the caller's transaction (a customer's
    own confirmed change is received, verified and completed in one); `request_create`: its own. Staff
    take a request in through a channel they witnessed (`channel_validate`).

    `received_at` is when the bank received a request it records only now (a paper form typed in
    days later), given by staff alone (`_received_at_check`): both clocks, the receipt in the history
    and the clock start count from it; the audit entries are stamped `now`, and the receipt entry
    keeps both. Without it the request is received when it is recorded. `received_by`: the other bank
    that received it, for a request a transferred portfolio brings over (`receipt_check`);
    `extended_until` and `extension_note`: the day that bank extended it to and why, its one extension
    used there (`extended_elsewhere_deadlines`).

    A request that repeats one the customer has open is refused (409 `duplicate_request`, naming it)
    or recorded beside it, as the caller chooses (`on_repeat`, `dsr.services.repeats.Repeat`); a
    recorded repeat names the open one (`repeat_of`), and so does its receipt's audit entry.

    `challenges`: for a complaint, the request of the same customer whose answer it challenges.
    `representative_id_number`: of the adult who files it for the customer, whose recorded authority
    must cover requests on the day of receipt (`subjects.selectors.representative_by_id_number`)."""
    now = now or timezone.now()
    received_at, received_by = receipt_check(received_at, received_by, actor=actor, now=now)
    if type not in RequestType.values:
        raise InvalidInput(
            _("Choose a request type: %(types)s."), field="type", types=", ".join(RequestType.values)
        )
    channel_validate(actor, channel)
    if channel not in Channel.values:
        raise InvalidInput(
            _("Choose a channel: %(channels)s."), field="channel", channels=", ".join(Channel.values)
        )
    details = (details or "").strip()
    if len(details) > MAX_DETAILS_LENGTH:
        raise InvalidInput(
            _("The details are longer than %(max)s characters."), field="details", max=MAX_DETAILS_LENGTH
        )
    clean_corrections = _clean_corrections(type, corrections, subject=subject, actor=actor, now=now)
    clean_purposes = _clean_purposes(type, purposes, now=now)
    complaint_challenge_check(challenges, type=type, subject=subject)
    if not own_contact_details:
        _guardian_check(subject, guardian, type=type, actor=actor, now=now)
    representative = representative_by_id_number(
        subject_id=subject.pk, id_number=representative_id_number, act=ACT_REQUESTS,
        at=received_at, field="representative_id_number", named_by_customer=actor.is_customer,
    ) if representative_id_number.strip() else None
    # Whether a processor must act is known only when the fan-out reaches one (`clock_processor_involved`).
    # As they stood when the bank received it: a form typed in days later keeps the promise of its day.
    policies = policies_as_of(type, received_at)
    deadlines, extension_note = extended_elsewhere_deadlines(
        deadlines_for(
            request_type=type, received_at=received_at, subject=subject, policies=policies,
            extended=extended_until is not None,
        ),
        extended_until, extension_note, received_at=received_at, received_by=received_by,
    )
    with transaction.atomic(savepoint=False):
        # A customer's own contact change is answered at once: no clock runs, nothing to repeat.
        repeated = None if own_contact_details else request_repeat_check(
            subject, type=type, purposes=clean_purposes, corrections=clean_corrections, details=details,
            on_repeat=on_repeat,
        )
        request = DataSubjectRequest.objects.create(
            subject=subject,
            type=type,
            channel=channel,
            details=details,
            corrections=json.dumps(clean_corrections, sort_keys=True) if clean_corrections else "",
            purposes=clean_purposes,
            guardian=guardian,
            representative=representative,
            created_by_id=actor.user_id,
            received_at=received_at,
            received_by=received_by,
            extended_elsewhere_until=extended_until,
            extension_note=extension_note,
            due_at=deadlines.due_at,
            acknowledge_by=deadlines.acknowledge_by,
            statutory_due_at=deadlines.statutory_due_at,
            statutory_regime=deadlines.regime,
            pausable=deadlines.pausable,
            deadline_policy=policy_snapshot(policies),
            repeat_of=repeated,
            challenges=challenges,
        )
        change = status_change_record(request, old="", new=S.RECEIVED, actor=actor, now=received_at)
        notify_requesting_client(request, change)
        customer_notify_move(request, new_status=S.RECEIVED, now=now, key=str(change.pk))
        audit_record(
            action="dsr.request.received",
            actor=actor,
            subject=subject,
            target=request,
            now=now,
            data={
                "type": type,
                "channel": channel,
                "guardian": str(guardian.pk) if guardian else None,
                **({"representative": str(representative.pk)} if representative else {}),
                "purposes": clean_purposes,
                "corrected_fields": sorted(clean_corrections),
                "received_at": received_at.isoformat(),
                **({"received_by": received_by} if received_by else {}),
                **({"extended_elsewhere_until": extended_until.isoformat()} if extended_until else {}),
                "recorded_at": now.isoformat(),
                **({"repeat_of": str(repeated.pk)} if repeated else {}),
                **({"challenges": str(challenges.pk)} if challenges else {}),
            },
        )
        clock_record(request, ClockEvent.STARTED, actor=actor, now=now, at=received_at)
    return request


request_create = durable_entry_point(request_create_in_transaction)


# Why a request cannot be taken in without the guardian, worded for staff (who name the guardian on
# the form) and for the customer filing on their own pages or with their own token (who cannot).
_GUARDIAN_NEEDED = {
    "under_seven": (
        _("This customer is under 7: their verified guardian files requests for them. Name the guardian."),
        _("Requests for a customer under 7 are filed by their guardian: ask your guardian to file it from "
          "their own pages or at a branch."),
    ),
    "child": (
        _("This customer is under 16: they withdraw consent, object or ask for a restriction on their "
          "own, and exercise every other right through their verified guardian. Name the guardian."),
        _("You are under 16: you can withdraw consent, object or ask for a restriction here yourself; "
          "your guardian files every other request for you, from their own pages or at a branch."),
    ),
    "age_unknown": (
        _("This customer's age is unknown and they may be a child: name their verified guardian, or "
          "record their date of birth (or their adult status verified by eKYC) first. Withdrawing "
          "consent, objecting and asking for a restriction need neither."),
        _("The bank has no date of birth on record for you, so this request needs your guardian or your "
          "date of birth first: bring your citizen ID card to a branch to record it. You can withdraw "
          "consent, object or ask for a restriction here now."),
    ),
}


def _guardian_check(
    subject: DataSubject, guardian: DataSubject | None, *, type: str, actor: Actor, now: datetime
) -> None:
    """Who may file for a child (Law 91/2025; Decree 13/2023 Art. 20; docs/requests.md): a guardian
    named is the child's verified guardian, and the customer under 16. Without one: under 7 the
    guardian acts alone, so nothing is taken in without them; from 7 to under 16 the child files only
    what stops or limits processing (`CHILD_FILES_ALONE`), every other right through the guardian; a
    customer whose age is unknown is not assumed adult, and files alone only what a child may."""
    on = timezone.localdate(now)
    if guardian is not None:
        if not DataSubject.objects.filter(
            pk=subject.pk, guardian=guardian, guardian_verified_at__isnull=False
        ).exists():
            raise InvalidInput(_("This person is not this customer's verified guardian."), field="guardian")
        minor = guardian_minor_error(guardian, on=on)
        if minor is not None:
            raise minor
        if not may_be_child(subject, on=on):
            raise InvalidInput(
                _("Customers of 16 and over exercise their rights themselves: a guardian cannot act for "
                  "them."),
                field="guardian",
            )
        return
    if not may_be_child(subject, on=on):
        return
    if subject.date_of_birth is None:
        reason = "age_unknown"
    elif age_on(subject.date_of_birth, on) < GUARDIAN_ONLY_BELOW_AGE:
        reason = "under_seven"
    else:
        reason = "child"
    if reason != "under_seven" and type in CHILD_FILES_ALONE:
        return
    for_staff, for_the_customer = _GUARDIAN_NEEDED[reason]
    raise InvalidInput(for_the_customer if actor.is_customer else for_staff, field="guardian")


def _clean_corrections(
    type: str, corrections: dict[str, Any] | None, *, subject: DataSubject, actor: Actor, now: datetime
) -> dict[str, Any]:
    if not corrections:
        return {}
    if type not in CORRECTION_TYPES:
        raise InvalidInput(_("Corrected values belong only to a rectification request."), field="corrections")
    if not isinstance(corrections, dict):
        raise InvalidInput(_("Give the corrected values as field: value pairs."), field="corrections")
    unknown = set(corrections) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be corrected by a request: %(fields)s."),
            field="corrections",
            fields=", ".join(sorted(unknown)),
        )
    clean = {}
    for name, value in corrections.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput(_("Each corrected value must be text."), field="corrections")
        # Composed (NFC) as the record stores it: a name typed on a Mac is not longer than on Windows.
        text = nfc(value or "").strip()
        if len(text) > 500:
            raise InvalidInput(_("A corrected value is longer than 500 characters."), field="corrections")
        if not text:
            _removal_check(name, explicit=value is None)
        # A removal is stored as the empty value the record then holds.
        clean[name] = text
    # The checks the answer applies, asked now: the customer hears of a typo, a date of birth still to
    # come or a citizen ID already on another record at intake rather than at the answer.
    try:
        subject_changes_check(subject=subject, changes=clean, now=now)
    except (InvalidInput, Conflict) as error:
        raise correction_refused(error, staff=actor.is_staff) from None
    return clean


def _removal_check(name: str, *, explicit: bool) -> None:
    """A correction with no value removes the field's value: refused for a field the record must hold,
    and for the others unless said explicitly (a box left empty is no correction)."""
    label = subject_field_label(name)
    if name not in REMOVABLE_FIELDS:
        raise InvalidInput(
            _("The %(label)s cannot be left empty: give the correct value."), field="corrections", label=label
        )
    if not explicit:
        raise InvalidInput(
            _(
                "The %(label)s is empty. To remove a wrong value, choose to remove it (null in the API); "
                "otherwise give the correct value."
            ),
            field="corrections",
            label=label,
        )


def correction_refused(error: InvalidInput | Conflict, *, staff: bool) -> InvalidInput:
    """The refusal of a corrected value, on the request's `corrections`, in the words its reader may
    see: only staff are told which customer number holds a citizen ID or passport, not a customer nor the
    integration client (the mobile app) that shows the customer its answer."""
    if not staff and error.code in DOCUMENT_HELD_FOR_CUSTOMER:
        return InvalidInput(DOCUMENT_HELD_FOR_CUSTOMER[error.code], field="corrections")
    return InvalidInput(error.message, field="corrections", **error.params)


def _clean_purposes(type: str, purposes: list[str] | None, *, now: datetime) -> list[str]:
    if not purposes:
        return []
    if type not in PURPOSE_TYPES:
        raise InvalidInput(
            _("Purposes belong only to restriction, objection and withdrawal requests."), field="purposes"
        )
    if (
        not isinstance(purposes, list)
        or len(purposes) > MAX_PURPOSES
        or not all(isinstance(code, str) and 0 < len(code) <= 50 for code in purposes)
    ):
        raise InvalidInput(_("Give the purposes as a list of purpose codes."), field="purposes")
    codes = sorted(set(purposes))
    found = {purpose.code: purpose for purpose in with_versions(Purpose.objects.filter(code__in=codes))}
    missing = sorted(set(codes) - set(found))
    if missing:
        raise InvalidInput(
            _("These purposes do not exist: %(codes)s."), field="purposes", codes=", ".join(missing)
        )
    if type == RequestType.WITHDRAW:
        # Only a consent can be withdrawn, and the withdrawal takes effect at verification: refused
        # here, a purpose on another legal basis would make every verification fail later. Judged by
        # the version in force, as the withdrawal will be, not by the row the job updates later.
        not_consent = sorted(
            code
            for code, purpose in found.items()
            if purpose_in_force(purpose, now).legal_basis != LegalBasis.CONSENT
        )
        if not_consent:
            raise InvalidInput(
                _("These purposes do not rest on consent, so there is no consent to withdraw: %(codes)s. "
                  "Ask to object to or restrict them instead."),
                field="purposes", codes=", ".join(not_consent),
            )
    return codes
