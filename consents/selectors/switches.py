"""What the consent pages show of each purpose for a customer: the consent check's answer now and the
customer's own consent behind it, decided by the check's rule (`consents.selectors.rule.decide`) over
the facts read once for the page, however many purposes and wards it shows.

The customer's switch stands for their consent: it stays on while a restriction, an objection or a
legal hold stops the processing, since turning it off still withdraws the consent; what the page says
beside it is the check's answer.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.catalogue import PurposeEntry, purpose_entry_of
from consents.models import (
    ConsentState,
    ConsentStatus,
    LegalBasis,
    ProcessingRestriction,
    Purpose,
    PurposeCategory,
)
from consents.selectors.catalogue import purposes_catalogue
from consents.selectors.records import consent_states_of, restrictions_in_force_of
from consents.selectors.rule import (
    CheckResult,
    Reason,
    child_born,
    consent_answer,
    decide,
    guardian_alone,
    guardian_consent_outgrown,
    life_ended_reason,
    own_agreement_due,
)
from subjects.models import DataSubject

# Why the bank does not process for a purpose, as the customer reads it (staff read `REASON_LABELS`).
# A consent given to a notice since widened is asked again on the page in words of its own.
WHY_FOR_CUSTOMER = {
    Reason.RESTRICTED: _("Paused: you asked the bank to restrict this processing."),
    Reason.OBJECTED: _("Stopped: you objected to this processing."),
    Reason.LEGAL_HOLD: _(
        "Paused: your data is kept under a legal hold and serves only that legal obligation."
    ),
    Reason.CHILD: _("Not used: children's data is never used for marketing."),
    Reason.EXPIRED: _("Your consent expired: switch it on again if you still agree."),
}
# The same, as a guardian reads it in their ward's section: said of the ward (`%(ward)s`, the CIF the
# section is headed with), never as if of the guardian's own data.
WHY_FOR_WARD = {
    Reason.RESTRICTED: _("Paused: a restriction of this processing was asked for %(ward)s."),
    Reason.OBJECTED: _("Stopped: an objection to this processing was made for %(ward)s."),
    Reason.LEGAL_HOLD: _(
        "Paused: the data of %(ward)s is kept under a legal hold and serves only that legal obligation."
    ),
    Reason.CHILD: WHY_FOR_CUSTOMER[Reason.CHILD],
    Reason.EXPIRED: _("The consent given for %(ward)s expired: switch it on again if you still agree."),
}
# A consent a guardian gave alone for a child then under 7, now 7 or over (`rule.own_agreement_due`).
AWAITS_CHILD_FOR_CUSTOMER = _(
    "Your guardian agreed to this alone before you were 7: from 7 you agree together with your guardian. "
    "Until you both agree, the bank does not use it."
)
# The same once the customer is 16: from then they consent alone, and the guardian no longer acts for them.
AWAITS_OWN_CONSENT = _(
    "Your guardian agreed to this alone when you were a child. It does not stand for you now: switch it on "
    "yourself if you agree; until then the bank does not use it."
)
AWAITS_CHILD_FOR_WARD = _(
    "%(ward)s is 7 or over now: the consent you gave alone needs the child's own agreement too. Switch it "
    "on again together with the child; until then the bank does not use it."
)

# Why no consent can be given at all (`ConsentSwitch.closed`), as the customer reads it and as their
# guardian reads it of a ward: the grant refuses it (`rules._relationship_open_validate`), so no "yes" is
# offered; a consent still on file can still be withdrawn.
CLOSED_FOR_CUSTOMER = {
    Reason.RELATIONSHIP_ENDED: _(
        "Your relationship with the bank has ended, so no consent can be given here. If you want to be a "
        "customer again, ask at a branch to reopen it. You can still withdraw a consent you gave."
    ),
    Reason.DECEASED: _(
        "This customer is recorded as deceased, so no consent can be given in their name. If this record is "
        "wrong, contact the bank's Data Protection Officer."
    ),
}
CLOSED_FOR_WARD = {
    Reason.RELATIONSHIP_ENDED: _(
        "The relationship of %(ward)s with the bank has ended, so no consent can be given for them. To "
        "reopen it, ask at a branch. You can still withdraw a consent given for them."
    ),
    Reason.DECEASED: _("%(ward)s is recorded as deceased, so no consent can be given in their name."),
}

# The switch's state, by who agreed (`ConsentSwitch.state_label`).
SWITCH_ON = {
    "you": _("On: you agreed"),
    "guardian": _("On: your guardian agreed"),
    "together": _("On: you and your guardian agreed"),
}
SWITCH_AGREED_NOT_USED = {
    "you": _("You agreed, but the bank does not use it now"),
    "guardian": _("Your guardian agreed, but the bank does not use it now"),
    "together": _("You and your guardian agreed, but the bank does not use it now"),
}
SWITCH_OFF = _("Off")


@dataclass(frozen=True)
class ConsentSwitch:
    """One purpose for one customer. `answer`: what `consent_check` answers now; `given`: what the
    customer's current consent answers by itself (`consent_answer`), restrictions and marketing aside;
    `in_force`: the purpose as its version in force has it (legal basis, category), which the job copies
    onto the `purpose` row only minutes after the version takes effect."""

    purpose: Purpose
    state: ConsentState | None
    answer: CheckResult
    given: CheckResult
    in_force: PurposeEntry
    # Why `given` asks the consent again (either, or both): the notice consented to was since widened
    # (`outdated`); it was given by the guardian alone and the child, now 7 or over, must agree too.
    outdated: bool = False
    awaits_child: bool = False
    # The customer is 16 or over and consents alone (`awaits_child` then waits for their own consent).
    acts_alone: bool = False
    # Why the customer's life with the bank is over (`life_ended_reason`), or None: no consent is given.
    life_ended: str | None = None

    @property
    def closed(self) -> bool:
        """No consent can be given for the purpose: the customer is a former customer or deceased."""
        return self.life_ended is not None

    @property
    def consent_based(self) -> bool:
        """The purpose needs the customer's consent now, as the check and the grant judge it: a switch
        is offered for it, else it is shown as resting on another legal basis."""
        return self.in_force.consent_based

    @property
    def category(self) -> str:
        return self.in_force.category

    @property
    def category_label(self) -> str:
        return str(PurposeCategory(self.in_force.category).label)

    @property
    def legal_basis_label(self) -> str:
        return str(LegalBasis(self.in_force.legal_basis).label)

    @property
    def on(self) -> bool:
        """The bank may process the customer's data for the purpose now."""
        return self.answer.allowed

    @property
    def agreed(self) -> bool:
        """The customer's consent is given and covers the purpose as it is now: the switch is on."""
        return self.given.reason == Reason.GRANTED

    @property
    def live(self) -> bool:
        """The consent record is still granted (staff may withdraw it), whatever the check answers."""
        return self.state is not None and self.state.status == ConsentStatus.GRANTED

    @property
    def stands(self) -> bool:
        """The consent record is granted and not past its term: the customer may still withdraw it."""
        return self.live and self.given.reason != Reason.EXPIRED

    @property
    def withdrawn_apart(self) -> bool:
        """The consent stands while the switch is off (given to a version since widened, or by the
        guardian alone for a child now 7): switching on asks for the new agreement, so the withdrawal of
        the consent still standing is offered on its own, as the receipt promises."""
        return self.stands and not self.agreed

    def state_label(self, *, ward: DataSubject | None = None) -> str:
        """What the switch says of the consent: who agreed, and whether the bank uses it now. To the
        customer, a consent their guardian gave is the guardian's word (with theirs, from 7), never
        "you agreed"; to the guardian reading their `ward`'s switch, it is their own."""
        if not self.agreed:
            return str(SWITCH_OFF)
        consent = self.state.consent
        given_by = "you" if ward is not None or consent.guardian_id is None else (
            "together" if consent.child_agreed else "guardian"
        )
        return str((SWITCH_ON if self.on else SWITCH_AGREED_NOT_USED)[given_by])

    def why(self, *, ward: DataSubject | None = None) -> str:
        """Why the bank does not process for the purpose, for the customer, or for the guardian reading
        their `ward`'s switch; empty when it does, or when the switch being off says it all."""
        if self.closed:
            if ward is not None:
                return str(CLOSED_FOR_WARD[self.life_ended]) % {"ward": ward.external_ref}
            return str(CLOSED_FOR_CUSTOMER[self.life_ended])
        if self.on:
            return ""
        if self.awaits_child:
            if ward is not None:
                return str(AWAITS_CHILD_FOR_WARD) % {"ward": ward.external_ref}
            return str(AWAITS_OWN_CONSENT if self.acts_alone else AWAITS_CHILD_FOR_CUSTOMER)
        if ward is None:
            return str(WHY_FOR_CUSTOMER.get(self.answer.reason, ""))
        reason = WHY_FOR_WARD.get(self.answer.reason)
        return "" if reason is None else str(reason) % {"ward": ward.external_ref}


@dataclass(frozen=True)
class ConsentSwitches:
    """The switches of a customer and of the wards they act for, answered at `now`."""

    purposes: list[Purpose]
    switches: dict[uuid.UUID, dict[int, ConsentSwitch]]
    restrictions: dict[uuid.UUID, list[ProcessingRestriction]]

    def offered(self, subject: DataSubject) -> list[ConsentSwitch]:
        """The subject's switch of each purpose the bank offers (active), in catalogue order."""
        of_subject = self.switches[subject.pk]
        return [of_subject[p.pk] for p in self.purposes if p.active]

    def needing_consent(self, subject: DataSubject) -> list[ConsentSwitch]:
        """The subject's switches offered for purposes that rest on consent by their versions in force."""
        return [s for s in self.offered(subject) if s.consent_based]

    def on_other_basis(self, subject: DataSubject) -> list[ConsentSwitch]:
        """The purposes offered that rest on another legal basis by their versions in force: shown for
        transparency, with no switch."""
        return [s for s in self.offered(subject) if not s.consent_based]

    def no_longer_offered(self, subject: DataSubject) -> list[ConsentSwitch]:
        """The subject's consents still standing to purposes the bank no longer offers, in catalogue
        order: the bank does not use them, but they are the customer's to withdraw until then."""
        of_subject = self.switches[subject.pk]
        return [of_subject[p.pk] for p in self.purposes if not p.active and of_subject[p.pk].stands]

    def agreed(self, subject: DataSubject) -> list[ConsentSwitch]:
        """The subject's consents the consents page shows as given: the switches on among the purposes
        offered, and those standing to purposes no longer offered."""
        return [s for s in self.offered(subject) if s.agreed] + self.no_longer_offered(subject)

    def live(self, subject: DataSubject) -> list[ConsentSwitch]:
        """The subject's switch of each purpose they hold a granted consent to, offered or no longer."""
        return [s for s in self.switches[subject.pk].values() if s.live]

    def restrictions_of(self, subject: DataSubject) -> list[ProcessingRestriction]:
        """The subject's restrictions in force, each with its purpose (None: every purpose)."""
        return self.restrictions.get(subject.pk, [])


def _restriction_kinds(restrictions: list[ProcessingRestriction], purposes: list[Purpose]) -> dict[int, str]:
    """The kind in force covering each purpose, as the check reads it: the first in code order
    (legal_hold < object < restrict) of those naming the purpose or all purposes."""
    kinds: dict[int, str] = {}
    for purpose in purposes:
        covering = [r.kind for r in restrictions if r.purpose_id in (None, purpose.pk)]
        if covering:
            kinds[purpose.pk] = min(covering)
    return kinds


def consent_switches_of(
    subjects: Sequence[DataSubject], *, now: datetime, notice_texts: bool = False
) -> ConsentSwitches:
    """The `ConsentSwitches` of these customers: the purpose catalogue with its notices (their full
    texts only with `notice_texts`, for a page that shows them), the customers' current answers and their
    restrictions in force, three reads whatever the number of purposes and customers; every purpose
    answered as `consent_check` answers, ages read from the subjects given."""
    purposes = list(purposes_catalogue(notice_texts=notice_texts))
    entries = {p.pk: purpose_entry_of(p) for p in purposes}
    states = consent_states_of(subjects)
    restrictions: dict[uuid.UUID, list[ProcessingRestriction]] = defaultdict(list)
    for restriction in restrictions_in_force_of(subjects):
        restrictions[restriction.subject_id].append(restriction)
    by_id = {subject.pk: subject for subject in subjects}
    today = timezone.localdate(now)

    def is_child(subject_id) -> bool:
        return child_born(by_id[subject_id].date_of_birth, today)

    def agreement_due(subject_id) -> bool:
        return own_agreement_due(by_id[subject_id].date_of_birth, today)

    switches: dict[uuid.UUID, dict[int, ConsentSwitch]] = {}
    for subject in subjects:
        kinds = _restriction_kinds(restrictions[subject.pk], purposes)
        ended = life_ended_reason(subject.relationship_ended_on, subject.deceased_on)
        of_subject = states.get(subject.pk, {})
        switches[subject.pk] = {}
        for purpose in purposes:
            state = of_subject.get(purpose.pk)
            facts = (
                None
                if state is None
                else (
                    state.consent_id, state.status, state.notice_id, state.expires_at,
                    guardian_alone(state.consent.guardian_id, state.consent.child_agreed),
                )
            )
            entry = entries[purpose.pk]
            answer = decide(
                entry,
                restriction=kinds.get(purpose.pk),
                ward=subject.guardian_id is not None,
                subject_id=subject.pk,
                state=facts,
                now=now,
                is_child=is_child,
                agreement_due=agreement_due,
                ended=ended,
            )
            due = partial(agreement_due, subject.pk)
            given = consent_answer(entry, state=facts, now=now, agreement_due=due)
            asked_again = given.reason == Reason.RECONSENT_REQUIRED
            switches[subject.pk][purpose.pk] = ConsentSwitch(
                purpose, state, answer, given, entry.in_force(now),
                outdated=asked_again and entry.outdates(state.notice_id, now),
                awaits_child=asked_again and guardian_consent_outgrown(facts[-1], due),
                acts_alone=not is_child(subject.pk),
                life_ended=ended,
            )
    return ConsentSwitches(purposes=purposes, switches=switches, restrictions=dict(restrictions))
