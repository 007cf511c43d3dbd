"""Verifying the requester's identity, saying what was checked (Decree 356: the controller verifies
the requester before answering).

Three ways, each a real check: an identity document whose number matches the customer record (through
the blind index, never a decrypted comparison of lists), a one-time code sent to the registered phone
and typed back, or the reference of an eKYC session. A document is checked only with the customer in
person: for a request not received at a branch, once the officer confirms the customer came to one with
the original and names where (`dsr.services.identity_documents`). The request keeps the method, the
document type and its number masked, where the original was seen, who checked and when; the page shows
them.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_for_subject
from audit.models import AuditEntry
from audit.services import audit_record
from core.actors import Actor
from core.db import durable_entry_point
from core.errors import Conflict, InvalidInput, InvalidTransition
from deadlines.models import RequestType
from dsr.contact_codes import CODES_PER_HOUR_CAP, codes_per_hour_refusal
from dsr.models import DataSubjectRequest, IdentityDocument, IdentityMethod
from dsr.selectors import (
    OTP_MAX_ATTEMPTS,
    identity_check_awaited,
    identity_methods_recordable,
    registered_phone_changed_since_request,
    request_requester,
)
from dsr.services.base import request_locked
from dsr.services.deletion import deletion_stops_third_parties
from dsr.services.identity_documents import document_checked, visit_checked
from dsr.services.in_force import restriction_put_in_force, withdrawal_put_in_force
from dsr.services.moves import (
    RESTRICTION_TYPES,
    S,
    guardian_authority_check,
    move,
)
from integrations.models import OutboxMessage
from integrations.outbox import outbox_enqueue_email
from subjects.crypto import blind_index, blind_index_candidates
from subjects.staff_records import own_record_check

OTP_VALID_FOR = timedelta(minutes=10)
OTP_DIGITS = 6
ONE_HOUR = timedelta(hours=1)
CODE_SENT = "dsr.request.identity_code_sent"
CODE_CAPPED = "dsr.request.identity_code_capped"


def _otp_hash(request_id, code: str) -> str:
    # Keyed and bound to the request, so a code for one request never verifies another.
    return blind_index(f"dsr-otp:{request_id}:{code}")


def _otp_matches(request: DataSubjectRequest, code: str) -> bool:
    """Whether `code` is the one sent, under the current blind-index key or, while a rotation runs,
    the previous one (a code sent before the restart is still on its way)."""
    candidates = blind_index_candidates(f"dsr-otp:{request.pk}:{code}")
    return any(hmac.compare_digest(request.identity_otp_hash, candidate) for candidate in candidates)


def _verifiable(request: DataSubjectRequest, *, now: datetime) -> None:
    if request.identity_verified_at is not None:
        raise Conflict(
            _("The requester's identity is already verified."), code="identity_already_verified"
        )
    if not identity_check_awaited(request):
        raise InvalidTransition(status=request.get_status_display())
    # A guardian is verified only while they still act for the child: never a former guardian (nor a
    # code to their phone), nor for a ward who has turned 16.
    guardian_authority_check(request, now=now)


def _codes_sent_in_the_last_hour(request: DataSubjectRequest, *, now: datetime) -> int:
    """The codes this request sent in the hour before `now`, read from their audit entries.

    A sliding hour, not one reset an hour after its first code, which let a burst at the end of one
    hour be doubled at the start of the next. The audit entry, not the outbox row: it is written at
    `now` in the same transaction, and the subject's index narrows the search to one customer's trail;
    the request's lock makes concurrent sends count one after the other."""
    return AuditEntry.objects.filter(
        subject_id=request.subject_id,
        action=CODE_SENT,
        target_type=DataSubjectRequest._meta.label_lower,
        target_id=str(request.pk),
        recorded_at__gte=now - ONE_HOUR,
    ).count()


def request_identity_otp_send(
    *, actor: Actor, request_id, now: datetime | None = None
) -> DataSubjectRequest:
    """Send a one-time code to the phone on the requester's record (never to a number given now)."""
    with transaction.atomic(durable=True):
        request, now = request_locked(request_id, now=now)
        _verifiable(request, now=now)
        phone = request_requester(request).phone
        if not phone:
            raise Conflict(
                _(
                    "The customer record has no registered phone: verify with an identity document "
                    "or eKYC."
                ),
                code="no_registered_phone",
            )
        if registered_phone_changed_since_request(request):
            raise Conflict(
                _(
                    "The phone number on the record was changed after this request came in: a code to it "
                    "does not show who asked. Verify with an identity document at a branch or eKYC."
                ),
                code="registered_phone_changed",
            )
        refusal = _code_cap_refusal(request, actor=actor, now=now, sending=True)
        if refusal is None:
            _otp_send(request, phone, actor=actor, now=now)
    if refusal is not None:
        raise refusal
    return request


def _otp_send(request: DataSubjectRequest, phone: str, *, actor: Actor, now: datetime) -> None:
    """A new code to `phone`, the one on the requester's record, in the caller's transaction."""
    code = f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"
    request.identity_otp_hash = _otp_hash(request.pk, code)
    request.identity_otp_expires_at = now + OTP_VALID_FOR
    request.save(
        update_fields=[
            "identity_otp_hash",
            "identity_otp_expires_at",
            "updated_at",
        ]
    )
    audit_record(
        action=CODE_SENT,
        actor=actor,
        subject=request.subject_id,
        target=request,
        data={"expires_at": request.identity_otp_expires_at.isoformat()},
        now=now,
    )
    # Through the outbox like every message: sent after the commit, retried, never for a rollback.
    outbox_enqueue_email(
        kind=OutboxMessage.Kind.SMS,
        to=phone,
        template="dsr/email/identity_code",
        context={"code": code, "minutes": int(OTP_VALID_FOR.total_seconds() // 60)},
        topic="dsr.identity_code",
        dedupe_key=f"dsr.identity_code:{request.pk}:{now.isoformat()}",
        subject_id=request.subject_id,
        language=language_for_subject(request_requester(request)),
        now=now,
    )


def _otp_attempts_exhausted() -> Conflict:
    return Conflict(
        _(
            "Too many wrong codes were typed for this request: verify the requester with an identity "
            "document or eKYC."
        ),
        code="identity_code_attempts_exhausted",
    )


def _code_cap_refusal(
    request: DataSubjectRequest, *, actor: Actor, now: datetime, sending: bool
) -> Conflict | None:
    """The refusal of a code once a cap is reached: the wrong codes typed for the request
    (`OTP_MAX_ATTEMPTS`) or, for a code to send, the codes sent in the last hour. Audited in the
    caller's transaction, which commits the entry and then raises the refusal: the DPO sees a
    brute-force attempt that goes on against the cap."""
    cap, refusal = "", None
    if request.identity_otp_attempts >= OTP_MAX_ATTEMPTS:
        cap, refusal = "attempts", _otp_attempts_exhausted()
    elif sending and (too_many := codes_per_hour_refusal(_codes_sent_in_the_last_hour(request, now=now))):
        cap, refusal = CODES_PER_HOUR_CAP, too_many
    if refusal is not None:
        audit_record(
            action=CODE_CAPPED,
            actor=actor,
            subject=request.subject_id,
            target=request,
            data={"cap": cap, "attempts": request.identity_otp_attempts},
            now=now,
        )
    return refusal


def _check_otp(request: DataSubjectRequest, now: datetime) -> None:
    """Whether a code may be checked at all, its cap passed (`_code_cap_refusal`); a wrong code is
    counted by `_otp_wrong_code`."""
    # Expiry first: the nightly purge empties an expired code's hash (`identity_codes`), keeping its time.
    if request.identity_otp_expires_at is not None and request.identity_otp_expires_at <= now:
        raise InvalidInput(_("The code has expired: send a new one."), field="otp_code")
    if not request.identity_otp_hash or request.identity_otp_expires_at is None:
        raise InvalidInput(_("Send a code to the registered phone first."), field="otp_code")


def _otp_wrong_code(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> Exception:
    """Count and audit a wrong code in the caller's transaction; the refusal to raise once it commits."""
    request.identity_otp_attempts += 1
    request.save(update_fields=["identity_otp_attempts", "updated_at"])
    audit_record(
        action="dsr.request.identity_code_refused",
        actor=actor,
        subject=request.subject_id,
        target=request,
        data={"attempts": request.identity_otp_attempts},
        now=now,
    )
    if request.identity_otp_attempts >= OTP_MAX_ATTEMPTS:
        return _otp_attempts_exhausted()
    return InvalidInput(_("The code does not match the one sent to the registered phone."), field="otp_code")


def _method_recordable(request: DataSubjectRequest, actor: Actor, method: str) -> None:
    """Refuse a method `actor` may not record for `request` (`identity_methods_recordable`), saying why."""
    if method in identity_methods_recordable(request, actor):
        return
    if method == IdentityMethod.EKYC and not actor.is_customer:
        # The one check the platform cannot repeat: a second person looks the session up.
        raise InvalidInput(
            _(
                "You took this request in: another staff member looks the eKYC session up and records "
                "its reference. You may verify by a code to the registered phone or a document seen in "
                "person."
            ),
            field="method",
        )
    raise InvalidInput(_("Choose how the identity was verified."), field="method")


class IdentityVerification(NamedTuple):
    """The request verified, or the refusal (a wrong code, counted) to raise once the count commits."""

    request: DataSubjectRequest
    refusal: Exception | None


def verified_request(verification: IdentityVerification) -> DataSubjectRequest:
    """The request verified, or its refusal raised (once the caller's transaction kept the count)."""
    if verification.refusal is not None:
        raise verification.refusal
    return verification.request


def request_verify_identity_in_transaction(
    *,
    actor: Actor,
    request_id,
    method: str,
    reference: str = "",
    document_type: str = IdentityDocument.CCCD,
    document_number: str = "",
    otp_code: str = "",
    customer_present: bool = False,
    seen_at_branch: str = "",
    now: datetime | None = None,
) -> IdentityVerification:
    """Record how staff verified the requester, after checking it, and start the work.

    `branch_documents`: the document's number must match the requester's record, and a request not
    received at a branch needs `customer_present` and `seen_at_branch` (`visit_checked`); `otp_phone`: the
    code sent by `request_identity_otp_send` must be typed back in time; `ekyc`: the session reference is
    recorded; `self_service`: the customer's own confirmed code (dsr.services.profile), never staff's.
    A request still waiting for acknowledgement is acknowledged first, so the history shows both
    moves. Inside the caller's transaction, which raises the refusal it returns (`verified_request`);
    `request_verify_identity` commits first, so a wrong code stays counted.
    """
    if method not in IdentityMethod.values:
        raise InvalidInput(_("Choose how the identity was verified."), field="method")
    reference = (reference or "").strip()
    if method == IdentityMethod.EKYC and not reference:
        raise InvalidInput(_("Give the eKYC session reference."), field="reference")
    if method == IdentityMethod.OTP_PHONE and not (otp_code or "").strip():
        raise InvalidInput(
            _("Type the code the customer received on the registered phone."), field="otp_code"
        )
    if len(reference) > 100:
        raise InvalidInput(_("The reference is longer than 100 characters."), field="reference")
    refusal = None
    with transaction.atomic(savepoint=False):
        request, now = request_locked(request_id, now=now)
        _verifiable(request, now=now)
        own_record_check(actor, request.subject_id)
        _method_recordable(request, actor, method)
        masked, kind, seen_at = "", "", ""
        if method == IdentityMethod.BRANCH_DOCUMENTS:
            seen_at = visit_checked(request, customer_present, seen_at_branch)
            masked, kind = document_checked(request, document_type, document_number), document_type
            reference = ""
        elif method == IdentityMethod.OTP_PHONE:
            refusal = _code_cap_refusal(request, actor=actor, now=now, sending=False)
            if refusal is None:
                _check_otp(request, now)
                if not _otp_matches(request, otp_code.strip()):
                    refusal = _otp_wrong_code(request, actor=actor, now=now)
            reference = ""
        if refusal is None:
            if request.status == S.RECEIVED:
                move(request, to=S.VERIFYING_IDENTITY, actor=actor, now=now)
            request.identity_method = method
            request.identity_reference = reference
            request.identity_document_type = kind
            request.identity_document_masked = masked
            request.identity_seen_at_branch = seen_at
            request.identity_otp_hash = ""
            request.identity_verified_at = now
            request.identity_verified_by_id = actor.user_id
            request.save(update_fields=[
                "identity_method", "identity_reference", "identity_document_type",
                "identity_document_masked", "identity_seen_at_branch", "identity_otp_hash",
                "identity_verified_at", "identity_verified_by", "updated_at",
            ])
            audit_record(
                action="dsr.request.identity_verified",
                actor=actor,
                subject=request.subject_id,
                target=request,
                # The evidence itself (the number masked): the trail alone says how the requester was known.
                data={"method": method, "requester": "guardian" if request.guardian_id else "customer",
                      "reference": reference, "document_type": kind, "document_masked": masked,
                      "seen_at_branch": seen_at, "visit_confirmed": bool(seen_at)},
                now=now,
            )
            # In force now, not at completion: the systems' tasks then confirm that each one stopped.
            if request.type in RESTRICTION_TYPES:
                restriction_put_in_force(request, actor=actor, now=now)
            elif request.type == RequestType.WITHDRAW:
                withdrawal_put_in_force(request, actor=actor, now=now)
            elif request.type == RequestType.DELETE:
                deletion_stops_third_parties(request, actor=actor, now=now)
            move(request, to=S.IN_PROGRESS, actor=actor, now=now)
    return IdentityVerification(request, refusal)


request_verify_identity = durable_entry_point(request_verify_identity_in_transaction, then=verified_request)
