"""An authorisation's life: the grant on the consent screen and the customer's and staff's moves
(pause, resume, revoke). The moves themselves are `authorisations.services.moves`; the access log is
`authorisations.services.accesses`; the hooks the data-subject-rights app calls are
`authorisations.services.rights`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from authorisations import selectors
from authorisations.deletions import deletion_under_way
from authorisations.models import Authorisation, AuthorisationEvent, ThirdParty
from authorisations.services.moves import (
    authorisation_transition,
    end_tokens,
    event_new,
    event_save,
    locked_authorisation,
    locked_authorisations,
    move_all,
    resume,
)
from authorisations.states import (
    AuthorisationStatus,
    PauseReason,
    authorisation_expiry,
)
from consents.models import Channel, ProcessingRestriction
from consents.services.rules import channel_validate
from core.actors import Actor
from core.errors import Conflict, InvalidInput
from subjects.children import may_be_child
from subjects.crypto import blind_index, blind_index_candidates
from subjects.locks import subjects_lock

S = AuthorisationStatus
K = AuthorisationEvent.Kind
# The reason the platform gives the revocation of an authorisation a new grant replaces.
REPLACED_REASON = "replaced by a new authorisation"


THIRD_PARTY_SUSPENDED = _("This third party is suspended by the bank.")


def _refuse_if_suspended(third_party: ThirdParty) -> None:
    if third_party.status != ThirdParty.Status.ACTIVE:
        raise Conflict(THIRD_PARTY_SUSPENDED, code=selectors.THIRD_PARTY_SUSPENDED)


# What a new authorisation is refused with while the customer's objection, restriction or legal hold
# covering disclosure to third parties is in force, by its kind (`selectors.disclosure_stops_in_force`).
_REFUSED_WHILE_IN_FORCE = {
    ProcessingRestriction.Kind.OBJECT: (
        "objection_in_force",
        _(
            "Your objection to disclosing your data to third parties is in force, so nothing can be "
            "shared with %(third_party)s. Ask the bank to lift the objection first."
        ),
    ),
    ProcessingRestriction.Kind.RESTRICT: (
        "restriction_in_force",
        _(
            "Your request to restrict the processing of your data covers disclosing it to third "
            "parties, so nothing can be shared with %(third_party)s while it is in force. Ask the bank "
            "to lift the restriction first."
        ),
    ),
    ProcessingRestriction.Kind.LEGAL_HOLD: (
        "legal_hold",
        _(
            "After your deletion request, the data the law requires the bank to keep is under a legal "
            "hold and serves only that legal obligation, so nothing can be shared with %(third_party)s."
        ),
    ),
}


def _refuse_if_disclosure_stopped(subject, third_party: ThirdParty) -> None:
    """The rule that pauses the customer's authorisations and keeps them paused (`moves.holding_cause`)
    refuses a new one too: the objection or restriction stops every disclosure to third parties
    (Decree 13 Art. 9: the customer may object to or restrict processing), not only those that existed
    when it came in force. So does a deletion's legal hold: the data a law keeps serves only that law.
    And while a verified deletion is open, the data it erases is not given to anyone new: the
    verification revoked every authorisation (`services.rights`)."""
    stop = selectors.disclosure_stops_in_force([subject.pk]).get((subject.pk, third_party.cross_border))
    if stop is not None:
        code, message = _REFUSED_WHILE_IN_FORCE[stop.kind]
        raise Conflict(message, code=code, third_party=third_party.legal_name)
    if deletion_under_way(subject.pk):
        raise Conflict(
            _(
                "The bank is deleting your data at your request, so nothing can be shared with "
                "%(third_party)s while the deletion is under way."
            ),
            code="deletion_in_progress",
            third_party=third_party.legal_name,
        )


def _refuse_if_life_with_bank_ended(subject) -> None:
    """Recording the end of the relationship or the death revoked every authorisation
    (`services.rights`), and what the bank still holds then serves only the law that keeps it: a former
    customer's login stays open for their rights, but lets no third party read bank data any more, as no
    new consent is recorded for them (`consents.services.rules`). A deceased customer's login is closed."""
    if subject.deceased_on is not None or subject.relationship_ended_on is not None:
        raise Conflict(
            _(
                "Your relationship with the bank has ended, so the bank no longer lets a company read your "
                "bank data. Nothing was shared. If you have become a customer again, ask at a branch."
            ),
            code="subject_deceased" if subject.deceased_on is not None else "relationship_ended",
        )


def authorisation_grantor_check(*, subject, third_party: ThirdParty, now: datetime | None = None) -> None:
    """Whether this customer may authorise a third party at all. A third party reading bank data is a
    consent to disclose sensitive data (Decree 13 Art. 2.4: customer information held by credit
    institutions), which the consent rules bar for children (`subjects.children`): a customer
    under 16, or whose age is unknown, cannot grant it. The bank offers it to no guardian either, so
    the refusal sends nobody to a step the platform does not have. Nor can a customer whose objection
    or restriction covering disclosure to third parties is in force (`third_party` is named in the
    refusal), nor a former or deceased customer (`_refuse_if_life_with_bank_ended`)."""
    _refuse_if_life_with_bank_ended(subject)
    _refuse_if_disclosure_stopped(subject, third_party)
    if not may_be_child(subject, on=timezone.localdate(now or timezone.now())):
        return
    if subject.date_of_birth is None:
        raise Conflict(
            _(
                "The bank has no date of birth on file for you, and bank data is never shared for a "
                "customer who may be under 16. Nothing was shared. To use this service, bring your "
                "identity document to a branch to have your date of birth recorded, then try again."
            ),
            code="age_unknown",
        )
    raise Conflict(
        _(
            "Customers under 16 cannot let a company read their bank data: it is sensitive data, which "
            "the bank does not share for children, and a guardian cannot allow it on a child's behalf "
            "either. Nothing was shared. A guardian with questions can ask at any branch."
        ),
        code="child_barred",
    )


def authorisation_terms_check(
    *,
    subject,
    third_party: ThirdParty,
    scopes: list[str],
    duration_days: int,
    cross_border_acknowledged: bool,
    now: datetime | None = None,
) -> None:
    """Whether the customer may grant these terms; the consent screen asks before a code is issued."""
    authorisation_grantor_check(subject=subject, third_party=third_party, now=now)
    _refuse_if_suspended(third_party)
    if not scopes or not set(scopes) <= set(third_party.scopes):
        raise InvalidInput(
            _("The third party asked for data it is not registered for."), code="invalid_scope"
        )
    if not 1 <= duration_days <= third_party.max_duration_days:
        raise InvalidInput(
            _("Choose a duration between 1 and %(days)s days."),
            field="duration_days",
            days=third_party.max_duration_days,
        )
    if third_party.cross_border and not cross_border_acknowledged:
        raise InvalidInput(
            _("Confirm that you understand your data will be transferred abroad."), field="cross_border"
        )


def authorisation_grant(
    *,
    actor: Actor,
    user,
    subject,
    third_party: ThirdParty,
    scopes: list[str],
    duration_days: int,
    cross_border_acknowledged: bool = False,
    channel: str = Channel.INTERNET_BANKING,
    issued_code: str = "",
    screen_language: str | None = None,
    now: datetime | None = None,
) -> Authorisation:
    """The customer approves on the consent screen: a new ACTIVE authorisation with its receipt, which
    names the language the screen showed (`screen_language`; None when not known).

    A live authorisation of the same third party is replaced (revoked) in the same transaction, so
    there is only ever one, and the one the customer just read is the one in force. Its tokens and
    pending codes end with it, except `issued_code`: the code the consent screen issued for this
    approval, which belongs to the new authorisation (the third party exchanges it next).
    """
    now = now or timezone.now()
    authorisation_terms_check(
        subject=subject,
        third_party=third_party,
        scopes=scopes,
        duration_days=duration_days,
        cross_border_acknowledged=cross_border_acknowledged,
        now=now,
    )
    with transaction.atomic(durable=True):
        # A suspension running at the same moment pauses what exists when it locks this row: take the
        # lock too, so a grant either precedes the suspension (and is paused by it) or sees it.
        _refuse_if_suspended(ThirdParty.objects.select_for_update().get(pk=third_party.pk))
        # An objection's or restriction's verification holds the customer while it puts it in force
        # and pauses what exists: holding the customer, the grant either comes first (and is paused by
        # it) or sees it in force.
        subjects_lock([subject.pk])
        _refuse_if_disclosure_stopped(subject, third_party)
        move_all(
            locked_authorisations(subject=subject, third_party=third_party, status__in=[S.ACTIVE, S.PAUSED]),
            to=S.REVOKED,
            actor=actor,
            now=now,
            channel=channel,
            reason=REPLACED_REASON,
            sparing_code=issued_code,
        )
        authorisation = Authorisation.objects.create(
            subject=subject,
            user=user,
            third_party=third_party,
            scopes=sorted(scopes),
            purpose=third_party.purpose,
            purpose_en=third_party.purpose_en,
            fetch_type=third_party.fetch_type,
            frequency_per_day=third_party.frequency_per_day,
            cross_border=third_party.cross_border,
            destination_country=third_party.country if third_party.cross_border else "",
            channel=channel,
            status=S.ACTIVE,
            starts_at=now,
            expires_at=authorisation_expiry(now, duration_days),
            code_fingerprint=blind_index(issued_code) or None,
            screen_language=screen_language or None,
        )
        event = event_new(authorisation, kind=K.GRANTED, old="", actor=actor, now=now, channel=channel)
        event_save(authorisation, event, actor=actor, now=now)
    return authorisation


def authorisation_code_spent(*, application, code: str, now: datetime | None = None) -> None:
    """The code a live authorisation's approval issued is exchanged for tokens, in the transaction that
    saves them and deletes its grant (which holds the authorisation locked): marked spent, so that when
    it comes back it is told apart from an expired code the nightly purge deleted unused."""
    fingerprints = blind_index_candidates(code)
    if fingerprints:
        Authorisation.objects.filter(
            third_party__application=application, code_fingerprint__in=fingerprints, code_spent_at=None
        ).update(code_spent_at=now or timezone.now())


def authorisation_code_replayed(*, application, code: str, now: datetime | None = None) -> None:
    """A code the token endpoint no longer knows: if it is the code a live authorisation's approval
    issued and it was spent (exchanged, `authorisation_code_spent`), someone presents it again, so it is
    in other hands (RFC 6749 4.1.2, RFC 9700 4.5): the tokens it obtained end, as an authorisation's end
    ends them (`end_tokens`), with an audit entry. The authorisation stays: the customer gave it, and
    the third party gets new tokens only through the consent screen. A code of an ended authorisation
    changes nothing, its tokens having ended with it (a newer authorisation's are not this code's), nor
    does one never exchanged: it expired unused and the purge deleted its grant."""
    fingerprints = blind_index_candidates(code)
    if not fingerprints:
        return
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        issued_from = locked_authorisations(
            third_party__application=application,
            code_fingerprint__in=fingerprints,
            code_spent_at__isnull=False,
            status__in=[S.ACTIVE, S.PAUSED],
        )
        for authorisation in issued_from:
            end_tokens([authorisation])
            audit_record(
                action="authorisations.authorisation.code_replayed",
                actor=Actor.system("authorisations.oauth"),
                subject=authorisation.subject_id,
                target=authorisation,
                now=now,
                data={
                    "third_party": str(authorisation.third_party_id),
                    "client_id": application.client_id,
                    "status": authorisation.status,
                },
            )


def _move_one(
    authorisation_id, *, subject, to: str, actor: Actor, now: datetime | None, **details: str
) -> Authorisation:
    """Lock one authorisation (a customer, `subject` given, reaches only their own) and apply one move
    to it in a transaction of its own; `details` are `authorisation_transition()`'s. A pause the
    customer did not make (a suspended third party, an objection or restriction) is not resumed
    here: it ends with its cause. The customer's own pause ends, but the authorisation resumes only
    if nothing else holds it (`resume`)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        authorisation = locked_authorisation(authorisation_id, subject=subject)
        if to == S.ACTIVE and authorisation.status == S.PAUSED:
            _refuse_resume_of_others_pause(authorisation)
            return resume(authorisation, actor=actor, now=now, **details)
        return authorisation_transition(authorisation, to=to, actor=actor, now=now, **details)


def _refuse_resume_of_others_pause(authorisation: Authorisation) -> None:
    """Say what ends a pause the customer did not make: only its own cause resumes it (the third
    party's reactivation, the objection's or restriction's lifting), unless the authorisation's term
    ends first."""
    if authorisation.pause_reason == PauseReason.DSR:
        raise Conflict(
            _(
                "Your objection to disclosing your data to third parties paused this authorisation; it "
                "resumes when the objection is lifted, unless its term has ended by then."
            ),
            code="paused_by_objection",
        )
    if authorisation.pause_reason == PauseReason.RESTRICTION:
        raise Conflict(
            _(
                "Your request to restrict the processing of your data covers disclosing it to third "
                "parties, which paused this authorisation; it resumes when the restriction is lifted, "
                "unless its term has ended by then."
            ),
            code="paused_by_restriction",
        )
    if authorisation.pause_reason != PauseReason.CUSTOMER:
        raise Conflict(
            _(
                "The bank has suspended this third party, which paused this authorisation; it resumes "
                "if the bank lifts the suspension, unless its term has ended by then."
            ),
            code="paused_by_bank",
        )


def authorisation_revoke(
    *,
    actor: Actor,
    authorisation_id,
    channel: str,
    evidence: str = "",
    reason: str = "",
    subject=None,
    now: datetime | None = None,
) -> Authorisation:
    """Stop the authorisation for good, by the customer (`subject`: their own only) or by staff on
    their behalf (with the channel they witnessed it through, `channel_validate`, and the evidence
    of the customer's instruction)."""
    channel_validate(actor, channel)
    if actor.is_staff and not evidence.strip():
        raise InvalidInput(_("Record the evidence of the customer's instruction."), field="evidence")
    if actor.is_customer and evidence.strip():
        # Evidence is what staff witnessed of a customer's instruction; a customer's own word is the reason.
        raise InvalidInput(
            _("Evidence is recorded by the bank's staff only; give your reason instead."), field="evidence"
        )
    return _move_one(
        authorisation_id, subject=subject, to=S.REVOKED, actor=actor, now=now,
        channel=channel, evidence=evidence, reason=reason,
    )


def authorisation_pause(
    *,
    actor: Actor,
    authorisation_id,
    subject,
    channel: str = Channel.INTERNET_BANKING,
    now: datetime | None = None,
) -> Authorisation:
    """The customer pauses their own authorisation; they may resume it."""
    return _move_one(
        authorisation_id, subject=subject, to=S.PAUSED, actor=actor, now=now,
        channel=channel, pause_reason=PauseReason.CUSTOMER,
    )


def authorisation_resume(
    *,
    actor: Actor,
    authorisation_id,
    subject,
    channel: str = Channel.INTERNET_BANKING,
    now: datetime | None = None,
) -> Authorisation:
    """The customer resumes their own pause (one whose term has ended expires instead)."""
    return _move_one(authorisation_id, subject=subject, to=S.ACTIVE, actor=actor, now=now, channel=channel)
