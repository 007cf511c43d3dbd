"""A customer updates their own phone, e-mail and address (self-service).

A new phone or e-mail counts only once the customer types the one-time code sent to it; the address
needs no code. Either way the change is one transaction: a rectification request is received,
verified (the signed-in customer who proved the new contact), put in progress, which gives every
system of the inventory its task as for any rectification, applied to the customer's record (audited
with fingerprints, never the values) and completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_for_subject
from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput, NotFound, required_text
from deadlines.models import RequestType
from dsr.contact_codes import (
    CODES_PER_HOUR_CAP,
    code_hash,
    code_matches,
    code_new,
    codes_per_hour_refusal,
    contact_code_send,
)
from dsr.models import (
    Channel,
    ContactChange,
    ContactChangeStatus,
    ContactField,
    DataSubjectRequest,
    IdentityMethod,
)
from dsr.services.base import request_locked
from dsr.services.identity import request_verify_identity_in_transaction, verified_request
from dsr.services.intake import request_create_in_transaction
from dsr.services.moves import move
from dsr.sources import request_source
from dsr.states import RequestStatus
from subjects.locks import subject_locked
from subjects.models import DataSubject
from subjects.services import subject_rectify_in_transaction
from subjects.validators import normalize_email, normalize_phone

CODE_VALID_MINUTES = 10
# Wrong codes allowed for one change before it is refused for good (a new code must be asked for).
MAX_CODE_ATTEMPTS = 5
MAX_ADDRESS_LENGTH = 500
_NORMALISERS = {ContactField.PHONE: normalize_phone, ContactField.EMAIL: normalize_email}


def contact_change_start(
    *, actor: Actor, subject: DataSubject, field: str, value: str, now: datetime | None = None
) -> ContactChange:
    """Send a one-time code to the new phone or e-mail the customer typed; a newer code replaces an
    older one for the same field. A code the hourly cap refuses is audited (`dsr.contact.code_capped`,
    the field and the cap, never the contact typed) and the entry committed before the refusal is
    raised, as the identity code's caps are: the DPO sees a number being flooded against the cap."""
    if field not in ContactField.values:
        raise InvalidInput(
            _("Only a phone number or an e-mail address is confirmed by a code."), field="field"
        )
    try:
        value = _NORMALISERS[field]((value or "").strip())
    except InvalidInput as error:
        raise InvalidInput(error.message, field=field, **error.params) from None
    with transaction.atomic(durable=True):
        subject = subject_locked(subject.pk)
        now = now or timezone.now()  # after the lock: a code sent meanwhile counts in the hour
        if getattr(subject, field) == value:
            raise InvalidInput(_("This is already the one we have."), field=field)
        sent = ContactChange.objects.filter(subject=subject, created_at__gte=now - timedelta(hours=1)).count()
        refusal = codes_per_hour_refusal(sent)
        if refusal is not None:
            audit_record(
                action="dsr.contact.code_capped", actor=actor, subject=subject, target=subject,
                data={"field": field, "cap": CODES_PER_HOUR_CAP}, now=now,
            )
        else:
            change = _code_send(subject, field, value, actor=actor, now=now)
    # Raised after the commit: the refusal stays in the audit trail.
    if refusal is not None:
        raise refusal
    return change


def _code_send(subject: DataSubject, field: str, value: str, *, actor: Actor, now: datetime) -> ContactChange:
    """Replace the customer's waiting code for the field with a new one, sent and audited, in the
    caller's transaction."""
    ContactChange.objects.filter(subject=subject, field=field, status=ContactChangeStatus.PENDING).update(
        status=ContactChangeStatus.SUPERSEDED, settled_at=now
    )
    change = ContactChange(
        subject=subject, field=field, value=value, created_at=now,
        expires_at=now + timedelta(minutes=CODE_VALID_MINUTES),
    )
    code = code_new()
    change.code_hash = code_hash(change.pk, code)
    change.save(force_insert=True)
    contact_code_send(
        field=field, destination=value, code=code, minutes=CODE_VALID_MINUTES,
        language=language_for_subject(subject), subject_id=subject.pk, key=str(change.pk), now=now,
    )
    audit_record(
        action="dsr.contact.code_sent", actor=actor, subject=subject, target=change,
        data={"field": field}, now=now,
    )
    return change


@dataclass(frozen=True)
class _Refusal:
    message: str
    code: str


def contact_change_confirm(
    *, actor: Actor, subject: DataSubject, change_id, code: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Apply the new phone or e-mail if `code` is the one sent to it, as a completed rectification.

    A wrong code counts against the change (and is audited) even though the call fails; after
    MAX_CODE_ATTEMPTS wrong codes, or once expired, the change is dead and nothing is changed."""
    refusal: _Refusal | None = None
    with transaction.atomic(durable=True):
        # The customer first (`subjects.locks`), then the change; the rectification's entries after them.
        subject = subject_locked(subject.pk)
        change = ContactChange.objects.select_for_update().filter(pk=change_id, subject=subject).first()
        if change is None:
            raise NotFound(_("No such change."))
        if change.status != ContactChangeStatus.PENDING:
            raise Conflict(_("This code is no longer valid. Ask for a new one."), code="code_not_pending")
        now = now or timezone.now()
        if change.expires_at <= now:
            change.status, change.settled_at = ContactChangeStatus.EXPIRED, now
            change.save(update_fields=["status", "settled_at"])
            refusal = _Refusal(_("This code has expired. Ask for a new one."), "code_expired")
        elif not code_matches(change.pk, code or "", change.code_hash):
            change.attempts += 1
            if change.attempts >= MAX_CODE_ATTEMPTS:
                change.status, change.settled_at = ContactChangeStatus.FAILED, now
                refusal = _Refusal(_("Too many wrong codes. Ask for a new one."), "code_attempts_exhausted")
            else:
                refusal = _Refusal(_("This code is not right. Check it and try again."), "code_wrong")
            change.save(update_fields=["attempts", "status", "settled_at"])
        if refusal is not None:
            audit_record(
                action="dsr.contact.code_refused", actor=actor, subject=subject, target=change,
                data={"field": change.field, "reason": refusal.code, "attempts": change.attempts}, now=now,
            )
        else:
            # The rectification tells the old phone or e-mail, as any change of it does
            # (`notifications.services.contact_changed_notify`, a follow-up of `subject_rectify`).
            request = _self_rectification(
                subject, {change.field: change.value}, actor=actor, reference=f"contact:{change.pk}", now=now
            )
            change.status = ContactChangeStatus.CONFIRMED
            change.confirmed_at = change.settled_at = now
            change.request = request
            change.save(update_fields=["status", "confirmed_at", "settled_at", "request"])
            audit_record(
                action="dsr.contact.confirmed", actor=actor, subject=subject, target=change,
                data={"field": change.field, "request": str(request.pk)}, now=now,
            )
    # Raised after the commit: the attempt must count even though the customer's call fails.
    if refusal is not None:
        raise Conflict(refusal.message, code=refusal.code, field="code")
    return request


def address_update(
    *, actor: Actor, subject: DataSubject, address: str, now: datetime | None = None
) -> DataSubjectRequest:
    """The customer's new postal address, recorded as a completed rectification (no code: it reaches
    nobody)."""
    address = required_text(address, field="address", message=_("Enter your new address."))
    if len(address) > MAX_ADDRESS_LENGTH:
        raise InvalidInput(
            _("The address is longer than %(max)s characters."), field="address", max=MAX_ADDRESS_LENGTH
        )
    with transaction.atomic(durable=True):
        subject = subject_locked(subject.pk)
        now = now or timezone.now()
        if subject.address == address:
            raise InvalidInput(_("This is already the one we have."), field="address")
        return _self_rectification(
            subject, {"address": address}, actor=actor, reference="self-service:address", now=now
        )


def _self_rectification(
    subject: DataSubject, corrections: dict[str, str], *, actor: Actor, reference: str, now: datetime
) -> DataSubjectRequest:
    """Receive, verify, fan out, apply and complete a rectification inside the caller's transaction,
    which locked the customer first."""
    # A customer's own phone, e-mail and address are theirs to keep current, a child's too: the way the
    # bank reaches them is not a right exercised through the guardian (docs/requests.md).
    request = request_create_in_transaction(
        actor=actor, subject=subject, type=RequestType.RECTIFY, channel=Channel.INTERNET_BANKING,
        corrections=corrections, own_contact_details=True, now=now,
    )
    # Puts the request in progress: every system that acts on rectifications gets its task.
    verified_request(request_verify_identity_in_transaction(
        actor=actor, request_id=request.pk, method=IdentityMethod.SELF_SERVICE, reference=reference, now=now,
    ))
    request, _now = request_locked(request.pk, now=now)
    subject_rectify_in_transaction(
        actor=actor, subject_id=subject.pk, changes=dict(corrections), now=now,
        reason=request_source(request), source=request_source(request),
    )
    # Completed at once: the bank's record is corrected now; each system's task stays open until that
    # system reports it applied the change (`task_complete` accepts it on this completed request).
    return move(request, to=RequestStatus.COMPLETED, actor=actor, now=now)


# Long enough to answer "did I ask for this code?", short enough not to keep every address typed.
CONTACT_CHANGES_KEPT_FOR = timedelta(days=7)
CONTACT_CHANGES_PURGE_BATCH = 1000


def contact_changes_purge(*, now: datetime | None = None, limit: int = CONTACT_CHANGES_PURGE_BATCH) -> int:
    """Delete contact changes settled (confirmed, replaced, refused, expired) more than
    CONTACT_CHANGES_KEPT_FOR ago, a bounded batch at a time, with one audit entry per customer (the
    nightly job). Settled is `settled_at`, or for a code left waiting its expiry: a code still waiting
    is left to run out. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - CONTACT_CHANGES_KEPT_FOR
    settled = ContactChange.objects.filter(
        Q(settled_at__lt=cutoff) | Q(status=ContactChangeStatus.PENDING, expires_at__lt=cutoff)
    )
    due = list(settled.values_list("pk", "subject_id")[:limit])
    by_subject: dict = {}
    for _pk, subject_id in due:
        by_subject[subject_id] = by_subject.get(subject_id, 0) + 1
    actor = Actor.system("dsr.contact_changes_purge")
    with transaction.atomic(durable=True):
        deleted, _by_model = ContactChange.objects.filter(pk__in=[pk for pk, _subject in due]).delete()
        for subject_id, count in by_subject.items():
            audit_record(
                action="dsr.contact.changes_purged", actor=actor, subject=subject_id,
                data={"count": count, "older_than": cutoff.isoformat()}, now=now,
            )
    return deleted
