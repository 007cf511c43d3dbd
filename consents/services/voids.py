"""Voiding a consent recorded in error: staff recorded it on the wrong customer (a mistyped CIF), for
the wrong purpose, or twice.

A withdrawal would say the customer consented and then changed their mind: false proof. A void says
the record was never the customer's answer. It is a correction by the DPO or a privacy officer (the
permission `consents.void_consent`) who did not record the consent themselves (four eyes), with a coded
reason and a note. The consent moves to "voided" through `consent_transition` (its event, with the note
encrypted beside the reason code, the check's row, the audit entry with the reason, the role and a keyed
fingerprint of the note: the note may name another customer, so it stays out of the trail and an
erasure erases it); a consent that was in force ends as a withdrawal ends it: every recipient it
covered gets the same duty to stop within the bank's committed deadline (`duties_open_for_withdrawal`),
since the data may have reached them meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import Consent, ConsentEvent, ConsentStatus, VoidReason
from consents.selectors import consent_void_refusal
from consents.selectors.rule import term_ended
from consents.services.duties import duties_open_for_withdrawal
from consents.services.records import consent_locked, consent_transition
from core.actors import Actor
from core.erased import words_erase
from core.errors import InvalidInput, PermissionDenied, required_text
from core.roles import user_role
from subjects.services import subject_fingerprint

VOID_PERMISSION = "consents.void_consent"
MAX_NOTE_LENGTH = 1000


def _voider_role(actor: Actor) -> str:
    """The role of the staff member voiding, who must hold `VOID_PERMISSION` (403 otherwise)."""
    user = None
    if actor.is_staff and actor.user_id is not None:
        user = get_user_model().objects.filter(pk=actor.user_id).first()
    if user is None or not user.has_perm(VOID_PERMISSION):
        raise PermissionDenied(
            _("Only the DPO or a privacy officer may void a consent recorded in error."),
            code="void_not_allowed",
        )
    return str(user_role(user))


def consent_void(
    *, actor: Actor, consent_id, reason: str, note: str, now: datetime | None = None
) -> Consent:
    """Void a consent in force, or a refusal, recorded in error, in one transaction with its audit
    entry; the recipients of a consent in force are told to stop. `reason` is a `VoidReason`, `note` the
    voider's own account of the error (required). Refused: 400 (reason, note), 403 (not the DPO or a
    privacy officer, or the person who recorded it), 404, 409 (withdrawn, expired, superseded or voided).
    A consent in force past its term, its expiry not yet swept, is voided with stops due from its term."""
    if reason not in VoidReason.values:
        raise InvalidInput(
            _("Choose why the record is wrong: %(reasons)s."),
            field="reason",
            reasons=", ".join(VoidReason.values),
        )
    note = required_text(
        note, field="note", message=_("Say what went wrong; the note is kept with the correction.")
    )
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(_("Keep the note under %(max)s characters."), field="note", max=MAX_NOTE_LENGTH)
    role = _voider_role(actor)
    with transaction.atomic(durable=True):
        consent = consent_locked(consent_id)
        now = now or timezone.now()  # once the row is ours, as a withdrawal reads it
        if (refusal := consent_void_refusal(consent, actor, reason=reason)) is not None:
            raise refusal
        # A consent past its term (not yet swept) was wrong all the same and is voided; no expiry told its
        # recipients to stop, so the void does, from the end of the term. A refusal gave nobody anything.
        gave_data = consent.status == ConsentStatus.GRANTED
        ran_out = gave_data and term_ended(consent, at=now)
        consent_transition(
            actor=actor,
            consent=consent,
            to=ConsentStatus.VOIDED,
            now=now,
            reason=reason,
            note=note,
            data={
                "reason": reason,
                "role": role,
                "note_fingerprint": subject_fingerprint(subject_id=consent.subject_id, value=note),
            },
        )
        if gave_data:
            duties_open_for_withdrawal(
                actor=actor, consent=consent, now=now, received_at=consent.expires_at if ran_out else None
            )
    return consent


def consent_void_notes_erase(*, subject_id) -> int:
    """In the erasure's transaction (a completed deletion request): the notes of the customer's voids,
    staff's words about them (or about the customer the record really was), read `REASON_ERASED`. The
    void's event keeps its reason code; the audit's fingerprint of the note can no longer be matched once
    the erasure destroys the customer's salt. Returns how many were erased."""
    voids = ConsentEvent.objects.select_for_update().filter(subject_id=subject_id, kind=ConsentStatus.VOIDED)
    return words_erase(voids, "note")
