"""The platform erases its own copy of a customer's personal data, as the system it is: per category,
the customer record's fields (`DataCategory.platform_data` names them), their rectified values and
the contacts typed for confirmation, with the deletion record that proves it (`erase`, at completion
or when the category's hold ends); and once per deletion, at completion, every copy the platform
keeps beside them (exports and what the systems returned, the customer's own words, a guardian's on
the requests filed for a child, staff's notes, stored API answers, inbox messages, the e-mails and SMS
of the outbox, the sign-in log, their browser sessions: `platform_copies_erase`), with one audit
entry of what went, and again for what was made since when the deletion's last hold ends
(`holds_released_copies_erase`). Of the customer's requests it reaches the closed ones only: one
still open must stay answerable, and loses its copies as it closes (`spared_request_copies_erase`).
What proves the requests were handled stays (docs/requests.md, "delete")."""

from __future__ import annotations

import json
from datetime import datetime

from django.db.models import Q

from accounts.services import sessions_end, sign_in_logs_erase
from audit.services import audit_record
from authorisations.services import authorisation_reasons_erase
from consents.models import ConsentEvent
from consents.services import consent_reasons_erase, consent_void_notes_erase, duty_notes_erase
from core.actors import Actor, ActorKind
from core.db import encrypted_bulk_update, encrypted_update
from core.erased import words_erase
from deadlines.models import RequestType
from dsr.models import (
    ContactChange,
    DataCategory,
    DataSubjectRequest,
    DeletionRecord,
    FulfilmentTask,
    LegalHold,
    PlatformData,
    RequestExport,
    RequestStatusChange,
    System,
)
from dsr.services.base import requests_lock
from dsr.services.exports import exports_purge, task_results_erase
from dsr.states import CLOSED, OPEN
from integrations.outbox_retention import outbox_erase
from integrations.services import idempotency_answers_erase
from notifications.services import notifications_erase
from subjects.categories import CATEGORY_FIELDS
from subjects.locks import subjects_locked
from subjects.models import CustomerAccount
from subjects.representatives import representatives_erase

# The platform's own fields by what its categories cover (`DataCategory.platform_data`), as
# `subjects.categories` files the record's fields; blind indexes go with their values.
PLATFORM_FIELDS: dict[str, tuple[str, ...]] = {kind: CATEGORY_FIELDS[kind] for kind in PlatformData.values}
# A request's fields of staff's words (`_staff_words_erase`), read again into the request in hand.
STAFF_WORDS = ("outcome_note", "overdue_reason", "extension_note")
_INDEXES = {
    "national_id": "national_id_index", "passport_number": "passport_number_index", "phone": "phone_index",
    "email": "email_index",
}


def erase(
    subject_id,
    *,
    category: DataCategory,
    system: System,
    actor: Actor,
    now: datetime,
    request: DataSubjectRequest | None = None,
    hold: LegalHold | None = None,
) -> DeletionRecord | None:
    """The platform erases its own fields of a category (it is the system confirming) and records it, in
    the caller's transaction; the deletion record's audit entry says what went. A category that names
    none of the platform's fields (`DataCategory.platform_data`) erases nothing, so nothing is recorded:
    a deletion record is proof of an erasure that happened. The copies beside the fields are
    `platform_copies_erase`'s, once per deletion."""
    fields = PLATFORM_FIELDS.get(category.platform_data)
    if not fields:
        return None
    # Counts only: the category names the fields (`PLATFORM_FIELDS`), and the record's entry stays
    # free of anything that reads like the customer's data.
    erased = {
        "fields": len(_subject_fields_erase(subject_id, fields)),
        "corrections": _corrections_erase(subject_id, fields),
    }
    if category.platform_data == PlatformData.CONTACT:
        # Every new phone or e-mail typed in self-service, confirmed or not (a confirmed one is in the
        # rectification's audit entry, as fingerprints).
        erased["contact_changes"], _by_model = ContactChange.objects.filter(subject_id=subject_id).delete()
    return deletion_record_write(
        subject_id,
        category=category,
        system=system,
        actor=actor,
        now=now,
        request=request,
        hold=hold,
        erased=erased,
    )


def _subject_fields_erase(subject_id, fields: tuple[str, ...]) -> list[str]:
    """Blank the customer record's fields (their blind indexes with them) and the customer's own secret
    in the audit's fingerprints, so the trail can no longer be matched against the erased values."""
    subject = subjects_locked(pk=subject_id).first()
    if subject is None:
        return []
    update = []
    for name in fields:
        setattr(subject, name, None if name == "date_of_birth" else "")
        update.append(name)
        if name in _INDEXES:
            setattr(subject, _INDEXES[name], "")
            update.append(_INDEXES[name])
    subject.fingerprint_salt = ""
    subject.save(update_fields=[*update, "fingerprint_salt", "updated_at"])
    return list(fields)


def _corrections_erase(subject_id, fields: tuple[str, ...]) -> int:
    """The corrected values of the customer's rectification requests for these fields (the audit entry
    keeps which fields changed); the field names stay, empty. Returns how many requests."""
    corrected = []
    rectifications = DataSubjectRequest.objects.filter(subject_id=subject_id, type=RequestType.RECTIFY)
    for request in rectifications.only("pk", "corrections"):
        corrections = json.loads(request.corrections) if request.corrections else {}
        if any(corrections.get(name) for name in fields):
            request.corrections = json.dumps(
                {name: ("" if name in fields else value) for name, value in corrections.items()}
            )
            corrected.append(request)
    # One statement for them all, each row its own value, encrypted by the field as `save` would.
    encrypted_bulk_update(corrected, "corrections")
    return len(corrected)


def platform_copies_erase(
    subject_id,
    *,
    actor: Actor,
    now: datetime,
    request: DataSubjectRequest | None,
    holds: list[int] | None = None,
) -> dict[str, int]:
    """Every copy the platform keeps beside the customer record of what the customer told it or was
    told, in the caller's transaction, with one `dsr.platform.erased` audit entry of the counts: the
    exports still within their download window and what the systems returned to the customer's access
    requests, the customer's own words (request details, replies to the bank, reasons for
    withdrawing a consent or revoking a third party's access), the stored answers replayed to API
    retries, the inbox messages and the e-mails and SMS of the outbox, the notes on how recipients
    confirmed they stopped (`duty_notes`), the sign-in log (`sign_in_logs`), their live browser
    sessions (`sessions`); and the customer's words as a guardian on the requests filed for a child
    (`_guardian_words_erase`, the child's data kept).
    None of it is what a legal hold keeps (the customer record's fields are), so it goes at completion
    whatever is held; and again when the deletion's last hold ends (`holds_released_copies_erase`,
    naming the `holds`), for what was made since. Staff's words about the customer on those requests
    read `REASON_ERASED` (`_staff_words_erase`). What proves the requests were handled stays: their
    type, dates, status, legal reasons, who acted, the tasks' evidence references, and that a note or
    reason was given.

    Of the customer's requests, only the closed ones (and `request`, the deletion being completed or
    whose last hold ended) lose their copies: one still open must stay answerable, so it keeps its
    details, the customer's replies and what the systems returned to it, and is marked as spared by
    `request` (`copies_spared_by`, counted as `spared`) to lose them as it closes
    (`spared_request_copies_erase`). Without a `request` (`dsr.services.former_customers`) the caller
    made sure under the customer's lock that none is open: one would be neither erased nor marked."""
    requests = DataSubjectRequest.objects.filter(subject_id=subject_id)
    closed = requests.filter(status__in=sorted(CLOSED))
    # The requests the customer filed as a child's guardian are the child's: only the guardian's words
    # go. An open one is spared like the customer's own, unless the child's deletion spared it first
    # (its closing then erases more, the guardian's words with the rest).
    filed = DataSubjectRequest.objects.filter(guardian_id=subject_id).exclude(subject_id=subject_id)
    spared = 0
    if request is not None:
        # Marked before the closed ones are read: a request closing meanwhile holds its row lock, so
        # this waits for it and skips it once closed, and the reading below then sees it closed.
        for found in (requests.exclude(pk=request.pk), filed.filter(copies_spared_by__isnull=True)):
            spared += found.filter(status__in=sorted(OPEN)).update(copies_spared_by=request)
        closed = requests.filter(Q(status__in=sorted(CLOSED)) | Q(pk=request.pk))
    erased = {
        # Their task results are emptied below, with every other closed access or copy request's.
        "exports": exports_purge(
            RequestExport.objects.filter(request__in=closed),
            actor=actor,
            now=now,
            task_results=False,
        ),
        "task_results": task_results_erase(_answers_of(closed), now=now),
        **_words_erase(closed),
        **_staff_words_erase(closed),
        **_guardian_words_erase(filed.filter(status__in=sorted(CLOSED))),
        "spared": spared,
        "withdrawal_reasons": consent_reasons_erase(subject_id=subject_id),
        "revoke_reasons": authorisation_reasons_erase(subject_id=subject_id),
        "void_notes": consent_void_notes_erase(subject_id=subject_id),
        # A representative acted through stays as the proof of authority of the acts kept (docs/consents.md).
        "representatives": representatives_erase(
            subject_id=subject_id, kept_ids=_representatives_acted_through(subject_id)
        ),
        # How each recipient confirmed it stopped, in staff's words (a partner's e-mail naming them).
        "duty_notes": duty_notes_erase(subject_id=subject_id),
        # Answers replayed to API retries quote the customer's identity and contact details too.
        "idempotency_answers": idempotency_answers_erase(subject_id=subject_id),
        # So do the messages sent to them (request notes, breach details), kept for their inbox.
        "notifications": notifications_erase(subject_id=subject_id, now=now),
        **outbox_erase(subject_id=subject_id, now=now),
        # Their sign-ins and failed sign-ins: username, address and browser (django-axes).
        "sign_in_logs": sign_in_logs_erase(usernames=_usernames_of(subject_id)),
        # Nobody stays signed in as them: their live browser sessions end.
        "sessions": sessions_end(user_ids=_logins_of(subject_id).values_list("user_id", flat=True), now=now),
    }
    audit_record(
        action="dsr.platform.erased",
        actor=actor,
        subject=subject_id,
        now=now,
        data={
            "request": str(request.pk) if request else None,
            **({"holds": sorted(holds)} if holds else {}),
            **erased,
        },
    )
    if request is not None:  # the deletion completing answers with what was stored
        request.refresh_from_db(fields=STAFF_WORDS)
    return erased


def _representatives_acted_through(subject_id) -> set:
    acts = (ConsentEvent.objects.filter(representative__subject_id=subject_id),
            DataSubjectRequest.objects.filter(representative__subject_id=subject_id))
    return {pk for done in acts for pk in done.values_list("representative_id", flat=True)}


def _words_erase(requests) -> dict[str, int]:
    """The customer's own words on `requests`: their details and the replies the customer wrote to the
    bank's questions (a status change's note by the customer). Each one UPDATE whatever their number
    (`encrypted_update`)."""
    replies = RequestStatusChange.objects.filter(request__in=requests, actor_kind="customer")
    return {
        "details": encrypted_update(requests, "details", value=""),
        "replies": encrypted_update(replies, "note", value=""),
    }


def _guardian_words_erase(requests) -> dict[str, int]:
    """The guardian's own words on the requests they filed for a child (`requests`): the details they
    typed and their replies to the bank's questions, read `REASON_ERASED` (the child's request stays
    answerable to the child, and shows that words were there). The child's data stays: the corrected
    values, what the systems returned, staff's words about the child."""
    replies = RequestStatusChange.objects.filter(request__in=requests, actor_kind=ActorKind.CUSTOMER)
    return {
        "guardian_details": words_erase(requests, "details"),
        "guardian_replies": words_erase(replies, "note"),
    }


def _staff_words_erase(requests, *, closing_at: datetime | None = None) -> dict[str, int]:
    """Staff's words about the customer on `requests`, read `REASON_ERASED`, as a withdrawal's reason
    does: the notes on the systems' tasks, the staff's notes of the status history (the question asked,
    the answer), the answer to the customer, the reasons for the extension and for the delay. The
    marker keeps that one was written (a late answer's reason required, a deletion task's note); the
    dates, statuses, codes, who acted and the evidence references stay. Each one UPDATE.

    `closing_at`: the request closing now keeps what its closing writes, its answer (the closing's
    note and `outcome_note`) and a delay reason given now: the bank's answer written after the erasure
    (as the deletion's own, written after its erasure at completion)."""
    tasks = FulfilmentTask.objects.filter(request__in=requests)
    notes = RequestStatusChange.objects.filter(request__in=requests).exclude(actor_kind=ActorKind.CUSTOMER)
    answered, delayed = requests, requests
    if closing_at is not None:
        notes, answered = notes.filter(at__lt=closing_at), requests.none()
        delayed = requests.filter(overdue_reason_at__lt=closing_at)
    return {
        "task_notes": words_erase(tasks, "note"),
        "staff_notes": words_erase(notes, "note"),
        "answers": words_erase(answered, "outcome_note"),
        "delay_reasons": words_erase(delayed, "overdue_reason"),
        "extension_notes": words_erase(requests, "extension_note"),
    }


def _logins_of(subject_id):
    """The customer's self-service accounts (their logins)."""
    return CustomerAccount.objects.filter(subject_id=subject_id)


def _usernames_of(subject_id) -> list[str]:
    """The customer's self-service logins, by which the sign-in log knows them."""
    return list(_logins_of(subject_id).values_list("user__username", flat=True))


def _answers_of(requests):
    """The tasks of the access and copy requests among `requests`: what the systems returned to them."""
    return FulfilmentTask.objects.filter(
        request__in=requests, request__type__in=(RequestType.ACCESS, RequestType.COPY)
    )


def spared_request_copies_erase(
    request: DataSubjectRequest, *, actor: Actor, now: datetime
) -> dict[str, int] | None:
    """A request closing that an erasure of the customer's copies spared while it was open
    (`copies_spared_by`) loses them now, in its closing's transaction, with a `dsr.platform.erased`
    entry naming the deletion (`request`) and the request closed (`closed`): the customer's words and
    what the systems returned to it. An answer's export keeps the latter for its download window; the
    export's purge takes them with it. Returns the counts, or None when nothing was spared."""
    deletion_id = request.copies_spared_by_id
    if deletion_id is None:
        return None
    this = DataSubjectRequest.objects.filter(pk=request.pk)
    erased_subject = request.copies_spared_by.subject_id
    if erased_subject != request.subject_id:
        # Spared by the deletion of the guardian who filed it for the child: their words only.
        erased = _guardian_words_erase(this)
        request.refresh_from_db(fields=["details"])
    else:
        erased = {
            **_words_erase(this),
            **_staff_words_erase(this, closing_at=now),
            "task_results": task_results_erase(_answers_of(this.filter(export__isnull=True)), now=now),
        }
        request.refresh_from_db(fields=STAFF_WORDS)
        request.details = ""
    request.copies_spared_by = None
    request.save(update_fields=["copies_spared_by", "updated_at"])
    audit_record(
        action="dsr.platform.erased",
        actor=actor,
        subject=erased_subject,
        now=now,
        data={"request": str(deletion_id), "closed": str(request.pk), **erased},
    )
    return erased


def holds_released_copies_erase(holds: list[LegalHold], *, actor: Actor, now: datetime) -> None:
    """When holds end, in their release's transaction: the platform's copies of each customer's
    deletion erased again once the deletion's last hold has ended, with its `dsr.platform.erased`
    entry naming the holds ending now. While another hold of the deletion still keeps a category,
    nothing is erased again for it: its last hold's release does it. A held identity (or contact)
    still lets the customer write after the deletion's completion, a new request or a reply, and be
    written to; those copies were never erased. What went at completion is not there to count a
    second time."""
    released: dict[tuple, list[LegalHold]] = {}
    for hold in holds:
        released.setdefault((hold.subject_id, hold.request_id), []).append(hold)
    # Each deletion's row locked (`requests_lock`; the release locked them before its first entry)
    # before its holds are counted: of two releases ending its last holds at once, the second sees the
    # first's and erases.
    requests_lock(request_id for _subject, request_id in released)
    for (subject_id, request_id), ended in released.items():
        if LegalHold.objects.filter(
            subject_id=subject_id, request_id=request_id, released_at__isnull=True
        ).exists():
            continue
        platform_copies_erase(
            subject_id, actor=actor, now=now, request=ended[0].request, holds=[hold.pk for hold in ended]
        )


def deletion_record_write(
    subject_id,
    *,
    category: DataCategory,
    system: System,
    actor: Actor,
    now: datetime,
    request: DataSubjectRequest | None,
    hold: LegalHold | None,
    erased: dict | None = None,
) -> DeletionRecord:
    """The proof of a category erased by a system (its confirmation) or by the platform (`erased`: what
    went, counts only), with its audit entry, in the caller's transaction."""
    record = DeletionRecord.objects.create(
        request=request,
        subject_id=subject_id,
        category=category,
        system=system,
        hold=hold,
        deleted_at=now,
        deleted_by_label=actor.label[:150],
        deleted_by_id=actor.user_id,
    )
    audit_record(
        action="dsr.deletion.recorded",
        actor=actor,
        subject=subject_id,
        target=record,
        now=now,
        data={
            "category": category.code,
            "system": system.code,
            "request": str(request.pk) if request else None,
            "hold": hold.pk if hold else None,
            **(erased or {}),
        },
    )
    return record
