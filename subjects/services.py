"""Writes on data subjects, their customer logins and language preferences.

Every entry point runs in one durable transaction together with its audit entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_clean
from accounts.models import Language, StaffProfile
from audit.services import audit_record, audit_record_many
from core.actors import Actor
from core.db import conflict_on_duplicate, durable_entry_point
from core.errors import Conflict, InvalidInput, required_text
from core.roles import Role, user_role
from subjects.changes import (
    change_audited,
    identity_documents_unclaimed_check,
    personal_fields_clean,
    personal_value_same,
    subject_changes_check,
)
from subjects.children import guardian_minor_error, guardian_unfit
from subjects.crypto import fingerprint, fingerprint_salt_new
from subjects.follow_ups import after_rectification
from subjects.locks import subject_locked, subjects_locked
from subjects.models import (
    CustomerAccount,
    DataSubject,
    GuardianDocument,
    NationalIdShare,
    SubjectRelationship,
)
from subjects.non_customers import subject_reference
from subjects.selectors import access_reason_normalised, former_number_check
from subjects.staff_records import own_record_check
from subjects.validators import validate_external_ref

RECTIFIABLE_FIELDS = (
    "full_name", "national_id", "passport_number", "date_of_birth", "phone", "email", "address", "guardian",
    "relationship", "relationship_ended_on", "deceased_on", "adult_verified",
)


@dataclass(frozen=True)
class ViewedInAnswer:
    """The answer to a write shows the customer's personal values in full because staff gave this
    reason (need to know): the write records the view, as a read does, in its own transaction."""

    context: str
    reason: str


def _viewed_entry(actor: Actor, subject: DataSubject, *, context: str, reason: str, revealed: bool) -> dict:
    """The audit entry of one look at a customer's personal data, as `audit_record`'s arguments."""
    return {"action": "core.subject.viewed", "actor": actor, "subject": subject, "target": subject,
            "data": {"context": context, "revealed": revealed, "reason": access_reason_normalised(reason)}}


def _viewed_record(actor: Actor, subject: DataSubject, *, context: str, reason: str, revealed: bool) -> None:
    audit_record(**_viewed_entry(actor, subject, context=context, reason=reason, revealed=revealed))


def _viewed_in_answer(actor: Actor, subject: DataSubject, viewed: ViewedInAnswer | None) -> None:
    if viewed is not None and not actor.is_customer:
        _viewed_record(actor, subject, context=viewed.context, reason=viewed.reason, revealed=True)


def _check_guardian(subject_id, guardian: DataSubject | None) -> None:
    if guardian is None:
        return
    if guardian.pk == subject_id:
        raise InvalidInput(_("A customer cannot be their own guardian."), field="guardian")
    minor = guardian_minor_error(guardian, on=timezone.localdate())
    if minor is not None:
        raise minor


def _wards_unverify(*, actor: Actor, guardian: DataSubject, changed: dict, now: datetime) -> None:
    """A rectification that shows a guardian cannot be one (deceased, under 18 by the corrected date of
    birth, or under guardianship themselves) takes back the bank's verification of their authority over every
    ward, in its transaction: they act for no one until staff verify the authority of a fit guardian."""
    if not {"date_of_birth", "guardian", "deceased_on"} & set(changed):
        return
    if guardian_unfit(guardian, on=timezone.localdate(now)) is None:
        return
    for ward in subjects_locked(guardian=guardian, guardian_verified_at__isnull=False):
        ward.guardian_verified_at = None
        ward.save(update_fields=["guardian_verified_at", "updated_at"])
        audit_record(action="core.subject.guardian_unverified", actor=actor, subject=ward, target=ward,
                     data={"guardian": str(guardian.pk), "cause": "guardian_rectified"}, now=now)


def subject_create(
    *,
    actor: Actor,
    external_ref: str = "",
    full_name: str,
    national_id: str = "",
    passport_number: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
    guardian: DataSubject | None = None,
    preferred_language: str = Language.VI,
    adult_verified: bool = False,
    relationship_ended_on: date | None = None,
    relationship: str = SubjectRelationship.CUSTOMER,
    viewed: ViewedInAnswer | None = None,
    now: datetime | None = None,
) -> DataSubject:
    """Register a data subject; personal fields are validated, normalised and encrypted.

    `preferred_language` is the language the bank writes to them in (Vietnamese unless told);
    `adult_verified` records an eKYC check that the customer is an adult when no date of birth is
    on file (children's rules apply to anyone not known to be one); `relationship_ended_on`, for a
    former customer registered late, is the day retention periods run from (today or earlier);
    `relationship`, what the person is to the bank: one who is not a customer needs no CIF.
    `viewed`: the answer shows the values in full, and the view is recorded with its reason."""
    now = now or timezone.now()
    external_ref = subject_reference(external_ref, relationship)
    preferred_language = language_clean(preferred_language)
    fields = personal_fields_clean(
        {"full_name": full_name, "national_id": national_id, "passport_number": passport_number,
         "date_of_birth": date_of_birth, "phone": phone, "email": email, "address": address,
         "relationship_ended_on": relationship_ended_on},
        now=now,
    )
    with transaction.atomic(durable=True):
        duplicate = Conflict(
            _("A customer with this customer number (CIF) already exists."), code="duplicate_external_ref"
        )
        if DataSubject.objects.filter(external_ref=external_ref).exists():
            raise duplicate
        former_number_check(external_ref)
        identity_documents_unclaimed_check(fields, external_ref=external_ref)
        subject = DataSubject(
            external_ref=external_ref, relationship=relationship, guardian=guardian,
            preferred_language=preferred_language, adult_verified=adult_verified, **fields
        )
        _check_guardian(subject.pk, guardian)
        with conflict_on_duplicate(duplicate):
            subject.save(force_insert=True)
        audit_record(
            action="core.subject.created", actor=actor, subject=subject, target=subject,
            data={"fields": sorted(k for k, v in fields.items() if v and not k.endswith("_index")),
                  "guardian": str(guardian.pk) if guardian else None, "relationship": relationship,
                  "preferred_language": preferred_language, "adult_verified": adult_verified},
        )
        _viewed_in_answer(actor, subject, viewed)
    return subject


def subject_rectify_in_transaction(
    *, actor: Actor, subject_id, changes: dict[str, Any], reason: str = "", now: datetime | None = None,
    preferred_language: str | None = None, viewed: ViewedInAnswer | None = None, source: str = "",
) -> DataSubject:
    """Correct a subject's personal data. The audit shows which fields changed, with keyed
    fingerprints of the old and new values instead of the values themselves, and of `reason` (staff's
    words, which may quote them) instead of the reason: the trail can be neither edited nor erased.

    `preferred_language`, when given, changes the language the bank writes in, in the same
    transaction (its own audit entry, as `subject_language_set`). Inside the caller's transaction (a
    rectification request applies the corrections and completes in one); `subject_rectify`: its own.
    `viewed`: the answer shows the values in full, and the view is recorded with its reason (even
    when nothing changed). `source` names what made the correction for what follows it
    (`subjects.follow_ups`): a rectification request's `dsr.request:<id>`; empty for staff's own."""
    unknown = set(changes) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s."), fields=", ".join(sorted(unknown))
        )
    if not changes and preferred_language is None:
        raise InvalidInput(_("Nothing to change: give at least one field."))
    if preferred_language is not None:
        preferred_language = language_clean(preferred_language)
    guardian_given = "guardian" in changes
    guardian = changes.get("guardian")
    # The personal fields: the caller's dict is read, never changed (a retry or an audit may reuse it).
    changes = {name: value for name, value in changes.items() if name != "guardian"}
    with transaction.atomic(savepoint=False):
        subject = subject_locked(subject_id)
        own_record_check(actor, subject.pk)
        now = now or timezone.now()  # after the lock (`subjects.locks`)
        clean = subject_changes_check(subject=subject, changes=changes, now=now)
        if preferred_language is not None:
            _language_change(subject, preferred_language, actor=actor, now=now)
        diff: dict[str, dict[str, str]] = {}
        before: dict[str, Any] = {}  # the old values, for the follow-ups only (never stored)
        if guardian_given:
            _check_guardian(subject.pk, guardian)
            if subject.guardian_id != (guardian.pk if guardian else None):
                before["guardian"] = subject.guardian_id
                diff["guardian"] = {
                    "before": str(subject.guardian_id or ""),
                    "after": str(guardian.pk if guardian else ""),
                }
                subject.guardian = guardian
                subject.guardian_verified_at = None
        salt = subject.fingerprint_salt = subject.fingerprint_salt or fingerprint_salt_new()
        for name, value in clean.items():
            if name.endswith("_index"):
                setattr(subject, name, value)
                continue
            old = getattr(subject, name)
            if not personal_value_same(name, old, value):
                before[name] = old
                diff[name] = change_audited(name, old, value, salt=salt)
                setattr(subject, name, value)
        if not diff:
            _viewed_in_answer(actor, subject, viewed)
            return subject
        update_fields = [*diff, *(f"{n}_index" for n in diff if f"{n}_index" in clean), "updated_at"]
        if "guardian" in diff:
            update_fields.append("guardian_verified_at")
        subject.save(update_fields=[*update_fields, "fingerprint_salt"])
        audit_record(
            action="core.subject.rectified", actor=actor, subject=subject, target=subject,
            # Staff's reason may quote the old and new values: only its fingerprint, salted like the values'.
            data={"changed": diff, "source": source, "reason_fingerprint": fingerprint(reason, salt=salt)},
        )
        _wards_unverify(actor=actor, guardian=subject, changed=diff, now=now)
        after_rectification(actor=actor, subject=subject, before=before, now=now, source=source)
        _viewed_in_answer(actor, subject, viewed)
    return subject


subject_rectify = durable_entry_point(subject_rectify_in_transaction)


def _language_change(
    record: DataSubject | StaffProfile, language: str, *, actor: Actor, now: datetime
) -> bool:
    """Store the new preferred language of a locked data subject or staff profile, with its audit
    entry; False when unchanged."""
    if record.preferred_language == language:
        return False
    before = record.preferred_language
    record.preferred_language = language
    record.save(update_fields=["preferred_language", "updated_at"])
    if isinstance(record, DataSubject):
        action, subject, data = "core.subject.language_changed", record, {}
    else:
        action, subject, data = "core.profile.language_changed", None, {"user_id": record.user_id}
    audit_record(
        action=action, actor=actor, subject=subject, target=record,
        data={**data, "before": before, "after": language}, now=now,
    )
    return True


def subject_language_set(
    *, actor: Actor, subject_id, language: str, now: datetime | None = None
) -> DataSubject:
    """Set the language the bank writes to a customer in (e-mails about their requests, consents and
    notices). Audited when it changes; the same language again writes nothing."""
    language = language_clean(language)
    with transaction.atomic(durable=True):
        subject = subject_locked(subject_id)
        now = now or timezone.now()
        _language_change(subject, language, actor=actor, now=now)
    return subject


def user_language_set(*, actor: Actor, user, language: str, now: datetime | None = None) -> str:
    """Set a signed-in person's preferred language: a customer's is their data subject's, a staff
    member's is on their profile. Integration clients receive no e-mails and keep none. Audited when
    it changes. Returns the language stored, or "" when nothing could be stored."""

    language = language_clean(language)
    now = now or timezone.now()
    role = user_role(user)
    if role is None or role == Role.CLIENT:
        return ""
    with transaction.atomic(durable=True):
        if role == Role.CUSTOMER:
            linked = CustomerAccount.objects.filter(user=user).values_list("subject_id", flat=True)
            subject = subjects_locked(pk__in=list(linked)).first()
            if subject is None:
                return ""
            _language_change(subject, language, actor=actor, now=now)
            return language
        profile, _created = StaffProfile.objects.select_for_update().get_or_create(user=user)
        _language_change(profile, language, actor=actor, now=now)
    return language


def subject_guardian_verify(
    *, actor: Actor, subject_id, evidence: str, document: str = "", viewed: ViewedInAnswer | None = None,
    now: datetime | None = None,
) -> DataSubject:
    """Record that staff checked the guardian's authority, with the kind of document seen (`document`, a
    `GuardianDocument`; empty when the caller does not say) and its reference (birth certificate, court
    decision): children's consents need it. The reference names the child, so it is kept on their record,
    encrypted, for their erasure to reach; the audit entry says the kind and keeps a fingerprint of the
    reference salted with the child's secret, as `subject_rectify` does with its reason. `viewed` as in
    `subject_rectify`."""
    evidence = " ".join((evidence or "").split())
    if not evidence or len(evidence) > 300:
        raise InvalidInput(
            _("Give the reference of the document that proves the guardian's authority (at most 300 "
              "characters), e.g. the birth certificate's scanned document id."),
            field="evidence",
        )
    if document and document not in GuardianDocument.values:
        raise InvalidInput(_("Choose the kind of document that proves the guardian's authority."),
                           field="document")
    with transaction.atomic(durable=True):
        subject = subject_locked(subject_id)
        own_record_check(actor, subject.pk)
        now = now or timezone.now()
        if subject.guardian_id is None:
            raise Conflict(_("This customer has no guardian to verify."), code="no_guardian")
        minor = guardian_minor_error(subject.guardian, on=timezone.localdate(now))
        if minor is not None:
            raise minor
        subject.guardian_verified_at = now
        subject.guardian_document, subject.guardian_evidence = document, evidence
        salt = subject.fingerprint_salt = subject.fingerprint_salt or fingerprint_salt_new()
        subject.save(update_fields=[
            "guardian_verified_at", "guardian_document", "guardian_evidence", "fingerprint_salt",
            "updated_at",
        ])
        audit_record(action="core.subject.guardian_verified", actor=actor, subject=subject, target=subject,
                     data={"guardian": str(subject.guardian_id), "document": document,
                           "evidence_fingerprint": fingerprint(evidence, salt=salt)})
        _viewed_in_answer(actor, subject, viewed)
    return subject


def subject_personal_data_viewed(
    *, actor: Actor, subjects: list[DataSubject], context: str, reason: str = "", revealed: bool = True
) -> None:
    """Log that staff or a client saw these subjects' personal data ("who used it is responsible"),
    with the reason staff gave to see it unmasked (need to know): one entry per subject, written together
    (a list page of customers costs one insert, not one per customer)."""
    if actor.is_customer or not subjects:
        return
    with transaction.atomic(durable=True):
        audit_record_many([
            _viewed_entry(actor, subject, context=context, reason=reason, revealed=revealed)
            for subject in subjects
        ])


def customer_account_link(*, actor: Actor, user, subject: DataSubject) -> CustomerAccount:


    with transaction.atomic(durable=True):
        account, _created = CustomerAccount.objects.update_or_create(user=user, defaults={"subject": subject})
        user.groups.set([Group.objects.get(name=Role.CUSTOMER.value)])
        audit_record(action="core.account.linked", actor=actor, subject=subject, target=account, data={})
    return account


def subject_national_id_share(
    *, actor: Actor, subject_id, external_ref: str, reason: str, now: datetime | None = None
) -> NationalIdShare:
    """The DPO lets another customer number carry this customer's citizen ID (one person the core
    banking system keeps under two CIFs), with the reason; audited. Sharing twice changes nothing."""
    external_ref = validate_external_ref(external_ref)
    reason = required_text(
        reason, field="reason", message=_("Say why both customer numbers belong to this person.")
    )
    with transaction.atomic(durable=True):
        subject = subject_locked(subject_id)
        own_record_check(actor, subject.pk)
        now = now or timezone.now()
        if external_ref == subject.external_ref:
            raise InvalidInput(_("Name the other customer number, not this one."), field="external_ref")
        share, created = NationalIdShare.objects.get_or_create(
            subject=subject, external_ref=external_ref,
            defaults={"reason": reason[:500], "linked_by_label": actor.label[:150], "linked_at": now},
        )
        if created:
            audit_record(action="core.subject.national_id_shared", actor=actor, subject=subject, target=share,
                         data={"external_ref": external_ref}, now=now)
    return share


def subject_fingerprint(*, subject_id, value: str) -> str:
    """A keyed fingerprint of `value`, staff's words about the customer (a void's note), for an audit entry
    that must show which text it was without holding it. Salted with the customer's own secret, made now
    when they have none yet (their row locked, in the caller's transaction): an erasure destroys it, and
    with it any way to match the fingerprint against a guessed text."""
    subject = subject_locked(subject_id)
    if not subject.fingerprint_salt:
        subject.fingerprint_salt = fingerprint_salt_new()
        subject.save(update_fields=["fingerprint_salt"])
    return fingerprint(value, salt=subject.fingerprint_salt)
