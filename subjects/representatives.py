"""Writes on an adult customer's representatives: record one on the document staff checked, revoke one.

Here, beside the customer's record and below consents and requests, because both act through it: the
consent forms and withdrawals staff record (`consents`) and the requests they file (`dsr`) name the
representative they were done through. Not a child's guardian (`DataSubject.guardian`, whose authority
comes from the child's age), and not a third party the customer lets read their data (`authorisations`):
a representative acts at the bank's desks, and reads nothing through the API."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput, required_text
from core.moments import check_in_range
from subjects.crypto import blind_index, fingerprint, fingerprint_salt_new
from subjects.locks import subject_locked
from subjects.models import Representative, RepresentativeAuthority, RepresentativeScope
from subjects.selectors import (
    id_number_normalised,
    representative_document_fingerprint,
    representative_not_recorded,
)
from subjects.staff_records import own_record_check

# A citizen ID (12 digits), an old identity card (9) or a passport (a letter and digits), without spaces.
_ID_NUMBER = re.compile(r"[A-Z0-9]{6,20}")
MAX_REASON_LENGTH = 500


def _id_number_clean(value: str) -> str:
    number = id_number_normalised(value)
    if not _ID_NUMBER.fullmatch(number):
        raise InvalidInput(
            _("Give the representative's citizen ID or passport number: 6 to 20 letters and digits."),
            field="id_number",
        )
    return number


def _text(value: str, *, field: str, limit: int, message) -> str:
    text = " ".join(required_text(value, field=field, message=message).split())
    if len(text) > limit:
        raise InvalidInput(_("At most %(limit)s characters."), field=field, limit=limit)
    return text


def _period_check(*, document_date: date, valid_from: date, valid_until: date | None, today: date) -> None:
    days = {"document_date": document_date, "valid_from": valid_from, "valid_until": valid_until}
    for field, day in days.items():
        if day is not None:
            check_in_range(day, field=field)
    if document_date > today:
        raise InvalidInput(_("The document's date cannot be in the future."), field="document_date")
    if valid_from < document_date:
        raise InvalidInput(_("An authority cannot be in force before its document was made."),
                           field="valid_from")
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(_("The authority cannot end before it starts."), field="valid_until")


def representative_record(
    *, actor: Actor, subject_id, full_name: str, id_number: str, relationship: str, authority: str,
    document_reference: str, document_date: date, scope: str, valid_from: date,
    valid_until: date | None = None, now: datetime | None = None,
) -> Representative:
    """Record that this person acts for the customer on the document staff saw (a power of attorney, a
    court's appointment), for `scope` from `valid_from` to `valid_until` (open: until revoked). The audit
    entry keeps the kind, scope and period, and fingerprints of the identity number and the reference
    salted with the customer's secret: the names and numbers stay on the record, encrypted."""
    full_name = _text(full_name, field="full_name", limit=200,
                      message=_("Give the representative's full name."))
    number = _id_number_clean(id_number)
    relationship = _text(relationship, field="relationship", limit=100,
                         message=_("Say how the representative is related to the customer (son, lawyer...)."))
    if authority not in RepresentativeAuthority.values:
        raise InvalidInput(_("Choose the kind of authority."), field="authority")
    reference = _text(document_reference, field="document_reference", limit=300,
                      message=_("Give the document's reference: its number and who notarised or issued it."))
    if scope not in RepresentativeScope.values:
        raise InvalidInput(_("Choose what the authority covers."), field="scope")
    with transaction.atomic(durable=True):
        subject = subject_locked(subject_id)
        own_record_check(actor, subject.pk)
        now = now or timezone.now()
        _period_check(document_date=document_date, valid_from=valid_from, valid_until=valid_until,
                      today=timezone.localdate(now))
        if not subject.fingerprint_salt:
            subject.fingerprint_salt = fingerprint_salt_new()
            subject.save(update_fields=["fingerprint_salt", "updated_at"])
        representative = Representative.objects.create(
            subject=subject, full_name=full_name, id_number=number, id_number_index=blind_index(number),
            relationship=relationship, authority=authority, document_reference=reference,
            document_date=document_date, scope=scope, valid_from=valid_from, valid_until=valid_until,
            recorded_by_label=actor.label[:150], recorded_at=now,
        )
        audit_record(
            action="core.subject.representative_recorded", actor=actor, subject=subject,
            target=representative,
            data={
                "authority": authority, "scope": scope, "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
                "id_number_fingerprint": fingerprint(number, salt=subject.fingerprint_salt),
                "document_fingerprint": representative_document_fingerprint(representative),
            },
            now=now,
        )
    return representative


def representative_revoke(
    *, actor: Actor, subject_id, representative_id, reason: str, now: datetime | None = None
) -> Representative:
    """End the representative's authority now (the customer revoked it, a court ended the guardianship,
    the document proved false): from now on nothing is done on it; what was done on it keeps naming it."""
    reason = _text(reason, field="reason", limit=MAX_REASON_LENGTH,
                   message=_("Say why the authority ends (the customer revoked it, a court decision...)."))
    with transaction.atomic(durable=True):
        subject = subject_locked(subject_id)
        own_record_check(actor, subject.pk)
        representative = Representative.objects.select_for_update().filter(
            pk=representative_id, subject=subject
        ).first()
        if representative is None:
            raise representative_not_recorded()
        if representative.revoked_at is not None:
            raise Conflict(_("This authority is already revoked."), code="already_revoked")
        now = now or timezone.now()
        representative.revoked_at, representative.revoked_by_label = now, actor.label[:150]
        representative.revoke_reason = reason
        representative.save(update_fields=["revoked_at", "revoked_by_label", "revoke_reason"])
        audit_record(
            action="core.subject.representative_revoked", actor=actor, subject=subject, target=representative,
            data={"reason_fingerprint": fingerprint(reason, salt=subject.fingerprint_salt)}, now=now,
        )
    return representative


def representatives_erase(*, subject_id, kept_ids) -> int:
    """In the erasure's transaction (a completed deletion): the customer's representatives no act was done
    through (`kept_ids` are those some were) lose their name, identity number and its blind index, the
    document's reference and the revocation's reason. Those acted through stay: the proof of authority of
    acts whose own proof is kept. Returns how many were erased."""
    erased = list(
        Representative.objects.select_for_update()
        .filter(subject_id=subject_id).exclude(pk__in=kept_ids).exclude(id_number_index="")
    )
    for representative in erased:
        representative.full_name = representative.id_number = representative.document_reference = ""
        representative.id_number_index = representative.revoke_reason = ""
        representative.save(update_fields=[
            "full_name", "id_number", "id_number_index", "document_reference", "revoke_reason",
        ])
    return len(erased)
