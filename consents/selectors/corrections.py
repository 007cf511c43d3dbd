"""A consent recorded in error: who may void it, and what its page and the API say of the void."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from consents.models import SELF_SERVICE_CHANNELS, Channel, Consent, ConsentEvent, ConsentStatus, VoidReason
from consents.selectors.withdrawals import consent_withdraw_refusal
from consents.states import CONSENT_MACHINE
from core.actors import Actor, ActorKind
from core.errors import DomainError, InvalidInput, InvalidTransition, PermissionDenied
from core.roles import Role
from subjects.staff_records import own_record_refusal, own_records

# The audit entry of a void (`consent_transition` names it after the move), with its reason, note and role.
VOIDED_ACTION = "consents.consent.voided"


def recorded_it(consent: Consent, actor: Actor) -> bool:
    """Whether `actor` is the person who recorded the consent: they may not void it (four eyes)."""
    return actor.user_id is not None and consent.recorded_by_user_id == actor.user_id


def void_reasons(consent: Consent) -> list[str]:
    """The reasons (`VoidReason`) this record may be voided for. What an integration reported through a
    self-service channel (internet banking, the app, a partner API) is the customer's own act, theirs to
    change: the bank can only say the integration named the wrong customer. Any other record (staff's,
    an import's), every reason."""
    if consent.recorded_by_kind == ActorKind.CLIENT and consent.channel in SELF_SERVICE_CHANNELS:
        return [VoidReason.WRONG_CUSTOMER]
    return list(VoidReason.values)


def consent_void_refusal(
    consent: Consent, actor: Actor, *, reason: str | None = None, own: frozenset | None = None
) -> DomainError | None:
    """Why this actor may not void the consent (`consent_void` raises it, with the `reason` given; the void
    page shows it instead of the form), or None when they may: the person who recorded it may not (four
    eyes, 403), nor staff on their own, their ward's or guardian's record (`own_record_refusal`, 403),
    the consent machine allows a consent in force or a refusal only (409), and the customer's own act is
    theirs to change: signed in, it is never voided (409); reported by an integration, only for the
    reasons `void_reasons` gives (400 on the reason). The permission (`consents.void_consent`) is checked
    before, by the page and by the service. `own`: the actor's `own_records`, read once for many consents."""
    if (own_record := own_record_refusal(actor, consent.subject_id, own=own)) is not None:
        return own_record
    if recorded_it(consent, actor):
        return PermissionDenied(
            _("You recorded this consent: another responsible person (the DPO or a privacy officer) "
              "must void it."),
            code="four_eyes",
        )
    if not CONSENT_MACHINE.is_allowed(consent.status, ConsentStatus.VOIDED):
        return InvalidTransition(
            _("Only a consent in force or a refusal can be voided; this one is %(status)s."),
            code="not_voidable",
            status=ConsentStatus(consent.status).label.lower(),
        )
    # The customer's own act is theirs to change (a withdrawal, or a new answer): a voided "no" would let
    # an older paper form of theirs through (the import passes voided records over).
    if consent.recorded_by_kind == ActorKind.CUSTOMER:
        return InvalidTransition(
            _("The customer gave this answer themselves, signed in (%(channel)s): only they can change "
              "it, by withdrawing or answering again. Only what the bank recorded can be voided as an "
              "error."),
            code="customer_own_answer",
            channel=Channel(consent.channel).label,
        )
    if reason is not None and reason not in void_reasons(consent):
        return InvalidInput(
            _("The customer answered through %(channel)s: the bank can void it only as recorded on the "
              "wrong customer (the system that reported it named another customer). Otherwise only the "
              "customer can change it."),
            field="reason",
            code="customer_own_answer",
            channel=Channel(consent.channel).label,
        )
    return None


def consent_allowed_actions(consent: Consent, actor: Actor) -> frozenset[str]:
    """What this actor may do to the consent from its page or the API's detail now: "void" it as recorded
    in error, when `consent_void_refusal` finds nothing against it, and "withdraw" it, when
    `consent_withdraw_refusal` finds nothing (the withdrawal service's own rule). The caller checks the
    permission of each (`consents.void_consent`, `consents.change_consent` or the customer's own)."""
    actions = set()
    if consent_void_refusal(consent, actor) is None:
        actions.add("void")
    if consent_withdraw_refusal(consent, now=timezone.now()) is None:
        actions.add("withdraw")
    return frozenset(actions)


def consents_voidable(consents: Iterable[Consent], actor: Actor) -> set:
    """The ids of these consents `actor` may void (`consent_void_refusal` finds nothing against it), the
    records they may not act on as staff read once for all of them."""
    own = own_records(actor)
    return {consent.pk for consent in consents if consent_void_refusal(consent, actor, own=own) is None}


@dataclass(frozen=True)
class ConsentVoid:
    """When a consent was voided, by whom (their label, and the role they acted in: only the DPO and
    privacy officers may void) and why (a `VoidReason` code)."""

    at: datetime
    by: str
    by_role: str | None
    reason: str

    @property
    def reason_label(self) -> str:
        return str(VoidReason(self.reason).label) if self.reason in VoidReason.values else self.reason

    @property
    def role_label(self) -> str:
        return str(Role(self.by_role).label) if self.by_role in Role.values else ""


def consent_void_of(consent: Consent, *, events: list[ConsentEvent] | None = None) -> ConsentVoid | None:
    """The void of a voided consent (None for any other): when, by whom and why from its event (from
    `events` when the caller has read them), and the role the voider acted in from its audit entry,
    which froze it then."""
    if consent.status != ConsentStatus.VOIDED:
        return None
    if events is None:
        events = list(consent.events.filter(kind=ConsentStatus.VOIDED))
    event = next((e for e in events if e.kind == ConsentStatus.VOIDED), None)
    if event is None:
        return None
    entry = (
        AuditEntry.objects.filter(
            subject_id=consent.subject_id,
            action=VOIDED_ACTION,
            target_type=Consent._meta.label_lower,
            target_id=str(consent.pk),
        )
        .values_list("data", flat=True)
        .first()
    )
    role = (entry or {}).get("role")
    return ConsentVoid(at=event.at, by=event.actor_label, by_role=role, reason=event.reason)
