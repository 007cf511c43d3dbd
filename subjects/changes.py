"""The checks a change of a customer's personal data passes before anything is written.

`subject_create` and `subject_rectify` apply them, and a rectification request's intake asks the same
ones (`subject_changes_check`), so a value refused when the correction would be applied is refused when
the request is received: the customer hears of it at once, not at the answer.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import value_locked
from core.errors import Conflict, InvalidInput
from core.text import nfc
from subjects.crypto import blind_index, blind_index_candidates, fingerprint
from subjects.models import DataSubject, NationalIdShare, SubjectRelationship
from subjects.non_customers import relationship_corrected
from subjects.validators import (
    normalize_email,
    normalize_national_id,
    normalize_passport_number,
    normalize_phone,
    validate_date_of_birth,
)

# The record's free text: stored composed (NFC), as a name typed on Windows arrives, whether it was
# typed on a Mac or pasted from a PDF (decomposed, NFD), so the same name is the same value.
TEXT_FIELDS = ("full_name", "passport_number", "address")


def personal_fields_clean(
    fields: dict[str, Any], *, now: datetime, date_of_birth: date | None = None
) -> dict[str, Any]:
    """Normalise and validate the personal fields given; blind indexes follow their values.
    `date_of_birth`: the one on file, which a relationship cannot have ended before (unless `fields`
    gives another)."""
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            value = nfc(value or "")
        if name == "full_name":
            value = " ".join(value.split())
            if not value:
                raise InvalidInput(_("Enter the customer's full name."), field="full_name")
            if len(value) > 200:
                raise InvalidInput(_("The full name is longer than 200 characters."), field="full_name")
        elif name == "national_id":
            value = normalize_national_id(value) if value else ""
            clean["national_id_index"] = blind_index(value)
        elif name == "phone":
            value = normalize_phone(value) if value else ""
            clean["phone_index"] = blind_index(value)
        elif name == "email":
            value = normalize_email(value) if value else ""
            clean["email_index"] = blind_index(value)
        elif name == "passport_number":
            value = normalize_passport_number(value)
            if len(value) > 20:
                raise InvalidInput(_("A passport number has at most 20 characters."), field="passport_number")
            clean["passport_number_index"] = blind_index(value)
        elif name == "date_of_birth" and value is not None:
            value = validate_date_of_birth(_iso_date(value), today=timezone.localdate(now))
        elif name == "address":
            value = value.strip()
        elif name == "relationship":
            value = relationship_corrected(value)
        elif name == "relationship_ended_on" and value is not None:
            # Retention periods (AML: 5 years) run from it, so it cannot be a date still to come.
            if not isinstance(value, date) or value > timezone.localdate(now):
                raise InvalidInput(
                    _("Give the day the relationship ended, today or earlier, as YYYY-MM-DD."),
                    field="relationship_ended_on",
                )
        elif name == "deceased_on" and value is not None:
            if not isinstance(value, date) or value > timezone.localdate(now):
                raise InvalidInput(
                    _("Give the day the customer died, today or earlier, as YYYY-MM-DD."), field="deceased_on"
                )
        clean[name] = value
    if clean.get("relationship_ended_on") is not None:
        born = clean.get("date_of_birth", date_of_birth)
        relationship_end_bounds_check(clean["relationship_ended_on"], born)
    return clean


def relationship_end_bounds_check(ended_on: date, date_of_birth: date | None) -> None:
    """The legal holds count from the day the relationship ended, so a day no relationship can have
    ended on is refused: before 1900 (as a date of birth) or before the customer was born. It may be
    before the customer was registered here: a former customer is registered late."""
    if ended_on.year < 1900:
        raise InvalidInput(
            _("The day the relationship ended is before 1900; check the year."), field="relationship_ended_on"
        )
    if date_of_birth is not None and ended_on < date_of_birth:
        raise InvalidInput(
            _("The day the relationship ended is before the customer was born; check the dates."),
            field="relationship_ended_on",
        )


# Fields that are not personal data, audited with their old and new values rather than fingerprints.
PLAIN_AUDITED_FIELDS = ("relationship",)


def change_audited(name: str, old: Any, new: Any, *, salt: str) -> dict[str, str]:
    """The audit's before and after of one corrected field: keyed fingerprints of personal values."""
    if name in PLAIN_AUDITED_FIELDS:
        return {"before": old, "after": new}
    return {"before": fingerprint(old, salt=salt), "after": fingerprint(new, salt=salt)}


def personal_value_same(name: str, stored: Any, value: Any) -> bool:
    """Whether a cleaned value is the one stored. Text stored before it was composed (NFC) compares as
    composed: the same name retyped is no rectification, and the stored text is left as it was (it is
    encrypted, and rewriting it unasked would be a change nobody made)."""
    if name in TEXT_FIELDS and isinstance(stored, str):
        stored = nfc(stored)
    return stored == value


def _iso_date(value: Any) -> date:
    """A date, or its ISO text as a request's corrections carry it."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            pass
    if not isinstance(value, date):
        raise InvalidInput(_("Enter the date of birth as YYYY-MM-DD."), field="date_of_birth")
    return value


# One person, one customer number: a second CIF with their citizen ID, or the passport a foreign national
# is known by, would split their consents and requests in two. (message naming the CIF holding it, code)
# The holder of the number is not a customer (a guarantor, a prospect): the person opening an account is
# most likely them, whose record must become the customer's rather than be split in two.
HELD_BY_NON_CUSTOMER = _(
    "This identity document belongs to %(cif)s, a person registered as not a customer (%(relationship)s). "
    "If they have opened an account, move that record to the customer number (kind became_customer) "
    "instead of registering them again: their consents and withdrawals stay with them."
)
ONE_HOLDER_DOCUMENTS = {
    "national_id": (
        _("This citizen ID already belongs to customer %(cif)s; one citizen ID has one customer number."),
        "duplicate_national_id",
    ),
    "passport_number": (
        _("This passport number already belongs to customer %(cif)s; one passport has one customer number."),
        "duplicate_passport_number",
    ),
}


def identity_documents_unclaimed_check(fields: dict[str, Any], *, external_ref: str, subject_id=None) -> None:
    """One CIF per citizen ID and per passport (`ONE_HOLDER_DOCUMENTS`, of the cleaned `fields` given): the
    answer names the CIF that already holds the number, unless the DPO let this customer number share
    the holder's identity (`subject_national_id_share`: one person the core system knows under two CIFs).

    The number is locked until the caller's transaction ends: no constraint can hold it (a shared number,
    two indexes per value across a key rotation), and two writers of one number would each check before
    the other commits and both pass."""
    for field, (message, code) in ONE_HOLDER_DOCUMENTS.items():
        number = fields.get(field)
        if not number:
            continue
        value_locked(DataSubject, blind_index(number))
        holder = (
            DataSubject.objects.filter(**{f"{field}_index__in": blind_index_candidates(number)})
            .exclude(pk=subject_id)
            .values_list("pk", "external_ref", "relationship")
            .first()
        )
        shared = holder is not None and NationalIdShare.objects.filter(
            subject_id=holder[0], external_ref=external_ref
        ).exists()
        if holder is None or shared:
            continue
        _, holder_ref, relationship = holder
        if relationship != SubjectRelationship.CUSTOMER:
            raise Conflict(HELD_BY_NON_CUSTOMER, code=code, data={"relationship": relationship},
                           cif=holder_ref, relationship=SubjectRelationship(relationship).label)
        raise Conflict(message, code=code, cif=holder_ref)


def subject_changes_check(
    *, subject: DataSubject, changes: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """The personal fields of `changes` as `subject_rectify` would store them (normalised, with their
    blind indexes), or the refusal it would raise: a value that is not valid, or a citizen ID or passport
    another customer holds. A rectification request's intake asks it too, so a value is refused when the
    request is received rather than when it is answered."""
    if changes.get("relationship") == subject.relationship:
        # What the record already is, sent back as a GET answered it: no correction, so not refused as one
        # (a customer's "customer" would be, `relationship_corrected`).
        changes = {name: value for name, value in changes.items() if name != "relationship"}
    # The date of birth is decrypted (and loaded, when deferred) only when the end is compared with it.
    born = subject.date_of_birth if changes.get("relationship_ended_on") is not None else None
    clean = personal_fields_clean(changes, now=now or timezone.now(), date_of_birth=born)
    changed = {field: clean[field] for field in ONE_HOLDER_DOCUMENTS if clean.get(field)
               and clean[field] != getattr(subject, field)}
    identity_documents_unclaimed_check(changed, external_ref=subject.external_ref, subject_id=subject.pk)
    return clean
