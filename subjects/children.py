"""Who is a child, for whom a guardian acts: Law 91/2025 and Decree 13/2023 Art. 20. Under 7 the
guardian acts alone; from 7 to under 16 the child and the guardian together; from 16 the customer
acts alone. A customer whose date of birth is unknown is not assumed adult unless eKYC verified
it (domain notes)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from subjects.models import DataSubject
from subjects.validators import age_on, birthday_at

GUARDIAN_ONLY_BELOW_AGE = 7
CHILD_BELOW_AGE = 16
# Civil Code 2015 Art. 49: a guardian is an adult (18) with full capacity for civil acts.
GUARDIAN_FROM_AGE = 18
# A correction of one of these can show that a customer is a child after all (`subjects.follow_ups`).
AGE_FIELDS = frozenset({"date_of_birth", "adult_verified"})

# Why a guardian does not act for a ward (`guardian_not_acting`): the codes of the refusals too.
GUARDIAN_REPLACED = "guardian_authority_ended"
GUARDIAN_NOT_VERIFIED = "guardian_not_verified"
WARD_ACTS_ALONE = "ward_acts_alone"
# The guardian is a minor themselves (`guardian_unfit`): also the code of `guardian_minor_error`.
GUARDIAN_MINOR = "guardian_minor"
# The guardian has died: the guardianship ended (`guardian_minor_error`'s code then).
GUARDIAN_DECEASED = "guardian_deceased"


@dataclass(frozen=True)
class Guardianship:
    """Who was a ward's registered guardian at some moment (None: no one), and whether the bank verified
    that person's authority over the ward. `guardianship_now` reads it from the record;
    `subjects.selectors.guardianship_on` for a past moment, from the audit trail."""

    guardian_id: UUID | None
    verified: bool


def guardianship_now(ward: DataSubject) -> Guardianship:
    return Guardianship(ward.guardian_id, ward.guardian_verified_at is not None)


def child_until(subject: DataSubject) -> date | None:
    """The day the customer turns 16 and acts alone, no guardian acting for them from then; None when
    the date of birth is unknown."""
    born = subject.date_of_birth
    return None if born is None else birthday_at(born, CHILD_BELOW_AGE)


def may_be_child(subject: DataSubject, *, on: date) -> bool:
    if subject.date_of_birth is None:
        return not subject.adult_verified
    return age_on(subject.date_of_birth, on) < CHILD_BELOW_AGE


def consents_only_with_guardian(subject: DataSubject, *, on: date) -> bool:
    """Whether the customer's own consent needs their guardian: a date of birth showing under 16
    (Decree 13/2023 Art. 20; the grant's `_children_validate` refuses it without one). A customer of
    unknown age answers alone, the purposes barred to children aside."""
    return subject.date_of_birth is not None and age_on(subject.date_of_birth, on) < CHILD_BELOW_AGE


def shown_to_be_child(subject: DataSubject, *, changed: frozenset[str], on: date) -> bool:
    """After a rectification: whether it corrected the customer's age and the customer may be a child."""
    return bool(changed & AGE_FIELDS) and may_be_child(subject, on=on)


def _died_by(subject: DataSubject, on: date) -> bool:
    return subject.deceased_on is not None and subject.deceased_on <= on


def guardian_unfit(guardian: DataSubject, *, on: date) -> str | None:
    """Why this customer cannot be anyone's guardian on the day `on`, or None: they have died, they are
    under guardianship themselves, or under 18 by their date of birth (Civil Code 2015 Art. 49). Worded for
    the officer acting for the child: the cause, and that another guardian must be named."""
    if _died_by(guardian, on):
        # Civil Code 2015 Art. 62: a guardianship ends with the guardian's death.
        return _("The guardian named for this customer has died and no longer acts for the child. Name "
                 "another guardian, an adult, on the child's record.")
    if guardian.guardian_id is not None:
        return _("The guardian named for this customer is a minor under guardianship themselves and "
                 "cannot act for the child. Name another guardian, an adult, on the child's record.")
    if guardian.date_of_birth is not None and age_on(guardian.date_of_birth, on) < GUARDIAN_FROM_AGE:
        return _("The guardian named for this customer is a minor, under 18 (Civil Code, Art. 49), and "
                 "cannot act for the child. Name another guardian, an adult, on the child's record.")
    return None


def guardian_to_be_recorded(subject: DataSubject, *, on: date) -> bool:
    """Whether the customer's consent waits for the bank to record a guardian first: they consent only
    with a guardian (`consents_only_with_guardian`), and none on file can act for them (none is named, or
    the one named has died or cannot be one, `guardian_unfit`)."""
    if not consents_only_with_guardian(subject, on=on):
        return False
    return subject.guardian_id is None or guardian_unfit(subject.guardian, on=on) is not None


def guardian_minor_error(guardian: DataSubject, *, on: date) -> InvalidInput | None:
    """The one refusal (400 on `guardian`, code `guardian_minor`, or `guardian_deceased`) of a guardian
    who cannot be one on the day `on` (`guardian_unfit`), on every path that names or relies on one
    (registering or correcting a customer, verifying the guardian's authority, a request, a consent); None
    when they may be one."""
    unfit = guardian_unfit(guardian, on=on)
    if unfit is None:
        return None
    code = GUARDIAN_DECEASED if _died_by(guardian, on) else GUARDIAN_MINOR
    return InvalidInput(unfit, code=code, field="guardian")


def guardian_not_acting(ward: DataSubject, guardian: DataSubject | None, *, on: date) -> str | None:
    """Why the customer `guardian` does not act for `ward` on the day `on`, or None when they do:
    the ward's guardian is someone else, no one or has died (`GUARDIAN_REPLACED`), the guardian is a minor and
    cannot be one (`guardian_unfit`: `GUARDIAN_MINOR`, whatever the bank verified before), the bank has
    not verified the guardian's authority (`GUARDIAN_NOT_VERIFIED`), or the ward is 16 or over
    (`WARD_ACTS_ALONE`). Read from the records as they stand."""
    if guardian is None or ward.guardian_id != guardian.pk or _died_by(guardian, on):
        return GUARDIAN_REPLACED
    if guardian_unfit(guardian, on=on) is not None:
        return GUARDIAN_MINOR
    if ward.guardian_verified_at is None:
        return GUARDIAN_NOT_VERIFIED
    if not may_be_child(ward, on=on):
        return WARD_ACTS_ALONE
    return None
