"""The consent check's rule: from the facts about one customer and one purpose (the purpose as the
catalogue holds it, the restriction in force, the customer's current consent), may the bank process
their data for it now, and why (not)?

Every answer the platform gives goes through `decide`: the check of one customer, of a campaign, as of
a past moment (`consents.selectors.check`) and the consent pages (`consents.selectors.switches`). Each
reads the facts its own way, in as few queries as it can; none repeats the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from consents.catalogue import PurposeEntry
from consents.models import Consent, ConsentStatus, LegalBasis, ProcessingRestriction, PurposeCategory
from consents.restrictions import restriction_reaches
from subjects.children import CHILD_BELOW_AGE, GUARDIAN_ONLY_BELOW_AGE
from subjects.validators import age_on, birthday_at


class Reason:
    GRANTED = "granted"
    LEGAL_BASIS = "legal_basis"
    NO_CONSENT = "no_consent"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    RECONSENT_REQUIRED = "reconsent_required"
    RESTRICTED = "restricted"
    OBJECTED = "objected"
    LEGAL_HOLD = "legal_hold"
    CHILD = "child"
    PURPOSE_INACTIVE = "purpose_inactive"
    REFUSED = "refused"
    # A record voided as made in error: the customer never consented, and the systems told so.
    VOIDED = "voided"
    # The customer's life with the bank is over: no consent they gave serves any more.
    RELATIONSHIP_ENDED = "relationship_ended"
    DECEASED = "deceased"
    # Asked by a recipient's own client for a purpose whose notice does not name that recipient.
    RECIPIENT_NOT_NAMED = "recipient_not_named"


REASON_LABELS = {
    Reason.GRANTED: _("Consent given"),
    Reason.LEGAL_BASIS: _("Allowed by a legal basis other than consent"),
    Reason.NO_CONSENT: _("No consent given"),
    Reason.WITHDRAWN: _("Consent withdrawn"),
    Reason.EXPIRED: _("Consent expired"),
    Reason.RECONSENT_REQUIRED: _(
        "The purpose widened since the consent was given: consent must be asked again"
    ),
    Reason.RESTRICTED: _("Processing restricted at the customer's request"),
    Reason.OBJECTED: _("The customer objected to this processing"),
    Reason.LEGAL_HOLD: _("Data kept under a legal hold serves only the legal obligation"),
    Reason.CHILD: _("Children's data is never used for marketing"),
    Reason.PURPOSE_INACTIVE: _("Purpose no longer offered"),
    Reason.REFUSED: _("The customer refused consent"),
    Reason.VOIDED: _("The consent was recorded in error and voided: the customer never gave it"),
    Reason.RELATIONSHIP_ENDED: _(
        "The customer's relationship with the bank has ended: what the bank keeps serves only the law"
    ),
    Reason.DECEASED: _("The customer has died: their data needs their family's consent (Law 91/2025)"),
    Reason.RECIPIENT_NOT_NAMED: _(
        "The purpose's notice does not name this recipient: the customer's data is not shared with it "
        "for this purpose"
    ),
}

# The same code, when the consent was given by a guardian alone while the customer was under 7.
OUTGROWN_LABEL = _(
    "Given by the guardian alone while the customer was under 7: the customer's own agreement is now "
    "needed, so consent must be asked again"
)


@dataclass(frozen=True)
class CheckResult:
    allowed: bool
    reason: str
    consent: object | None
    checked_at: datetime
    # Given by the as-of check: the notice version of the consent in force at that moment.
    notice_version: str | None = None
    # Asked again (`reconsent_required`) because the guardian gave it alone and the customer's own
    # agreement is now due, whether or not the purpose widened since too.
    outgrown: bool = False

    @property
    def reason_label(self) -> str:
        """What staff read of the answer: `reconsent_required` by its real cause."""
        if self.outgrown:
            return str(OUTGROWN_LABEL)
        return str(REASON_LABELS[self.reason])


def child_born(born: date | None, on: date) -> bool:
    return born is not None and age_on(born, on) < CHILD_BELOW_AGE


def own_agreement_due_from(born: date | None) -> date | None:
    """The day from which a consent needs the customer's own agreement (`own_agreement_due`): their 7th
    birthday; None when the date of birth is unknown. The daily job stops the consents a guardian gave
    alone as of that day's start (`consents.services.child_stops.consents_stop_outgrown`)."""
    return None if born is None else birthday_at(born, GUARDIAN_ONLY_BELOW_AGE)


def own_agreement_due(born: date | None, on: date) -> bool:
    """Whether a consent needs the customer's own agreement on `on`: from 7 by a known date of birth,
    beside the guardian's until 16 (Decree 13/2023 Art. 20), alone from 16. No upper bound: a consent
    the guardian gave alone never becomes the customer's by their growing up."""
    due_from = own_agreement_due_from(born)
    return due_from is not None and on >= due_from


def guardian_alone(guardian_id, child_agreed: bool) -> bool:
    """A consent a guardian gave without the child's own agreement (right while the child was under 7)."""
    return guardian_id is not None and not child_agreed


# `guardian_alone` as a filter of consent rows.
GUARDIAN_ALONE = Q(guardian__isnull=False, child_agreed=False)


def guardian_consent_outgrown(by_guardian_alone: bool, agreement_due: Callable[[], bool]) -> bool:
    """A consent the guardian gave alone for a child then under 7, now that the customer's own agreement
    is due (`own_agreement_due`): from 7 a grant needs it beside the guardian's (`consents.services.rules`),
    from 16 the customer consents alone, so the consent is asked again until the customer agrees.
    `agreement_due` is asked only of a consent the guardian gave alone."""
    return by_guardian_alone and agreement_due()


def consent_outgrown(consent, born: date | None, on: date) -> bool:
    """`guardian_consent_outgrown` of a consent record, for its customer born on `born`: the check asks
    it again, so the answer it waits for replaces it even on the same notice version."""
    by_guardian_alone = guardian_alone(consent.guardian_id, consent.child_agreed)
    return guardian_consent_outgrown(by_guardian_alone, lambda: own_agreement_due(born, on))


def life_ended_reason(
    relationship_ended_on: date | None, deceased_on: date | None, *, on: date | None = None
) -> str | None:
    """Why no consent of this customer serves any more (`decide`'s `ended`): their death, or the end of
    their relationship with the bank; None while they are a living customer. The consents themselves
    stop when staff record it (`consents.services.relationship_stops`); the check answers by the record
    too, for a consent still on file from before that (an upgrade's data). `on`: the day asked about (the
    check as of a past moment), before which a date recorded had not yet come; None: today."""
    if deceased_on is not None and (on is None or deceased_on <= on):
        return Reason.DECEASED
    if relationship_ended_on is not None and (on is None or relationship_ended_on <= on):
        return Reason.RELATIONSHIP_ENDED
    return None


def is_marketing(purpose: PurposeEntry) -> bool:
    """Children's data is never used for marketing (domain notes "People and roles"): the one purpose
    the check answers `child` for; the wider bar at consent time is `rules.barred_for_children`."""
    return purpose.category == PurposeCategory.MARKETING


RESTRICTION_REASONS = {
    ProcessingRestriction.Kind.LEGAL_HOLD: Reason.LEGAL_HOLD,
    ProcessingRestriction.Kind.OBJECT: Reason.OBJECTED,
    ProcessingRestriction.Kind.RESTRICT: Reason.RESTRICTED,
}


def _restriction_reason(purpose: PurposeEntry, restriction: str | None) -> str | None:
    """The reason the restriction in force stops this purpose, or None when the purpose's legal basis
    is beyond its reach (an objection never stops KYC/AML). The query returns the first kind in code
    order, legal_hold < object < restrict, and each of those reaches no further than the one before."""
    if restriction is None or not restriction_reaches(
        restriction, legal_basis=purpose.legal_basis, category=purpose.category
    ):
        return None
    return RESTRICTION_REASONS[restriction]


def names_recipient(scope, recipients: frozenset[int]) -> bool:
    """Whether a version's scope names one of `recipients`; a scope stored before versions listed their
    recipients says nothing, and refuses no one."""
    listed = scope.get("recipients") if scope else None
    return listed is None or any(entry.get("id") in recipients for entry in listed)


def _answer(allowed: bool, reason: str, *, now: datetime, consent=None) -> CheckResult:
    return CheckResult(allowed=allowed, reason=reason, consent=consent, checked_at=now)


def decide(
    purpose: PurposeEntry,
    *,
    restriction: str | None,
    ward: bool,
    subject_id,
    state,
    now: datetime,
    is_child: Callable[..., bool],
    agreement_due: Callable[..., bool],
    ended: str | None = None,
    recipients: frozenset[int] | None = None,
) -> CheckResult:
    """The answer for one customer and purpose. `restriction`: the first kind in force covering the
    purpose (legal_hold < object < restrict); `state`: (consent id, status, notice id, expiry, given by
    the guardian alone) of the current answer, or None; `is_child(subject_id)`: asked only of a ward, for
    marketing; `agreement_due(subject_id)`: whether the customer's own agreement is due now
    (`own_agreement_due`), asked only of a consent the guardian gave alone; `ended`: the customer's life
    with the bank is over (`life_ended_reason`), which a purpose the law or a contract bases stands past,
    and a consent still on file does not; `recipients`: those the asking client answers for (a marketing
    agency's own client), None for the bank's own systems. A recipient processes only what the version
    in force names it for, and under a consent only what the customer agreed it for: the bank shares
    nothing else with it, and tells it of no withdrawal of anything else. The purpose is read as its
    version in force at `now` has it, whether or not the job has updated its row yet."""
    purpose = purpose.in_force(now)
    blocked_by = _restriction_reason(purpose, restriction)
    if blocked_by is not None:
        return _answer(False, blocked_by, now=now)
    if not purpose.active:
        return _answer(False, Reason.PURPOSE_INACTIVE, now=now)
    if recipients is not None and not names_recipient(purpose.scope_in_force(now), recipients):
        return _answer(False, Reason.RECIPIENT_NOT_NAMED, now=now)
    if purpose.legal_basis != LegalBasis.CONSENT:
        return _answer(True, Reason.LEGAL_BASIS, now=now)
    # Only wards (subjects with a guardian) can be children, so only theirs is decrypted.
    if is_marketing(purpose) and ward and is_child(subject_id):
        return _answer(False, Reason.CHILD, now=now)
    answer = consent_answer(purpose, state=state, now=now, agreement_due=lambda: agreement_due(subject_id))
    # A "no" the consent gives by itself (withdrawn, expired, ...) says the more precise reason.
    if ended is not None and answer.allowed:
        return _answer(False, ended, now=now, consent=answer.consent)
    if recipients is not None and answer.allowed and not _agreed_for(purpose, state, recipients):
        return _answer(False, Reason.RECIPIENT_NOT_NAMED, now=now, consent=answer.consent)
    return answer


def _agreed_for(purpose: PurposeEntry, state, recipients: frozenset[int]) -> bool:
    """Whether the version the customer consented to names one of `recipients`."""
    given = purpose.notice(state[2])
    return given is None or names_recipient(given.scope, recipients)


def consent_answer(
    purpose: PurposeEntry, *, state, now: datetime, agreement_due: Callable[[], bool]
) -> CheckResult:
    """What the customer's current consent answers by itself, the last step of `decide`: whether it is
    given, still in force and still covers what the purpose has become and who must agree to it now,
    whatever else (a restriction, marketing to a child) stops the processing meanwhile."""
    if state is None:
        return _answer(False, Reason.NO_CONSENT, now=now)
    consent_id, status, notice_id, expires_at, by_guardian_alone = state
    if status == ConsentStatus.WITHDRAWN:
        return _answer(False, Reason.WITHDRAWN, now=now, consent=consent_id)
    if status == ConsentStatus.REFUSED:
        return _answer(False, Reason.REFUSED, now=now, consent=consent_id)
    if status == ConsentStatus.VOIDED:
        return _answer(False, Reason.VOIDED, now=now, consent=consent_id)
    if status == ConsentStatus.EXPIRED or (expires_at is not None and expires_at <= now):
        return _answer(False, Reason.EXPIRED, now=now, consent=consent_id)
    if status != ConsentStatus.GRANTED:
        return _answer(False, Reason.NO_CONSENT, now=now, consent=consent_id)
    # Either asks the consent again; the consent pages tell the two apart, by the same two predicates.
    outgrown = guardian_consent_outgrown(by_guardian_alone, agreement_due)
    if outgrown or purpose.outdates(notice_id, now):
        answer = _answer(False, Reason.RECONSENT_REQUIRED, now=now, consent=consent_id)
        return replace(answer, outgrown=outgrown)
    return _answer(True, Reason.GRANTED, now=now, consent=consent_id)


def term_ended(consent: Consent, *, at: datetime) -> bool:
    """Whether the consent's term had run out by `at`, whether or not the sweep has recorded it."""
    return consent.expires_at is not None and consent.expires_at <= at


def consent_status_as_read(consent: Consent, *, at: datetime) -> str:
    """The consent's status as the check answers it at `at`: "expired" from the moment its term ended,
    though the hourly sweep (`consents_expire_due`) has not yet recorded it, as a grant would read."""
    if consent.status == ConsentStatus.GRANTED and term_ended(consent, at=at):
        return ConsentStatus.EXPIRED
    return consent.status


def consents_reading_status(consents: QuerySet[Consent], status: str, *, at: datetime) -> QuerySet[Consent]:
    """Of `consents`, those whose status reads `status` at `at` (`consent_status_as_read`)."""
    ran_out = Q(status=ConsentStatus.GRANTED, expires_at__lte=at)
    if status == ConsentStatus.GRANTED:
        return consents.filter(Q(status=status) & ~ran_out)
    if status == ConsentStatus.EXPIRED:
        return consents.filter(Q(status=status) | ran_out)
    return consents.filter(status=status)
