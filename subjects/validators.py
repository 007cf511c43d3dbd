"""Normalisers and validators for Vietnamese identifiers and contact details.

Each normaliser returns the canonical form (used for storage and the blind index) or raises
InvalidInput naming the field, with a message a branch officer can act on.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import TypeVar

from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput, valid_or_refused
from core.text import nfc

# ASCII digits only: `\d` alone accepts any script's digits, which would be stored as sent and never
# match the blind index of the same number typed in ASCII.
NATIONAL_ID_RE = re.compile(r"^\d{12}$", re.ASCII)
# Mobile numbers (03x, 05x, 07x, 08x, 09x) and landlines (02x) in the 10- and 11-digit national plans.
PHONE_RE = re.compile(r"^0(?:[35789]\d{8}|2\d{9})$", re.ASCII)
# A foreign number in international form (ITU-T E.164): "+", a country code (never 0), 8 to 15 digits in all;
# customers who live abroad (overseas Vietnamese, foreign nationals) often have no other phone.
INTERNATIONAL_PHONE_RE = re.compile(r"^\+[1-9]\d{7,14}$", re.ASCII)
VIETNAM_COUNTRY_CODE = "+84"
# Dialled from Vietnam, "00" opens an international number, as "+" does.
INTERNATIONAL_PREFIX = "00"
# "+44 (0)20 ...", "+84 (0)912 ...": the trunk 0 in brackets is dialled only from inside the country.
TRUNK_ZERO_IN_BRACKETS = re.compile(r"\(\s*0\s*\)")
EXTERNAL_REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

T = TypeVar("T")


def compatibility_form(value: str) -> str:
    """Full-width digits and signs (from East Asian input methods) as their ASCII twins (NFKC)."""
    return unicodedata.normalize("NFKC", value or "")


def normalize_national_id(value: str) -> str:
    digits = re.sub(r"[\s.-]", "", compatibility_form(value))
    if not NATIONAL_ID_RE.match(digits):
        raise InvalidInput(_("A citizen ID (CCCD) has exactly 12 digits."), field="national_id")
    return digits


# A Vietnamese passport number as it may appear in free text: one letter and seven digits ("C1234567"),
# a space allowed after the letter; not inside a longer run of letters or digits.
PASSPORT_NUMBER_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Za-z] ?\d{7}(?![0-9])", re.ASCII)


# A passport number in its one form (`normalize_passport_number`): letters and digits, as passports of every
# country print them.
PASSPORT_NUMBER_RE = re.compile(r"^[A-Z0-9]{5,20}$", re.ASCII)


def normalize_passport_number(value: str) -> str:
    """A passport number in its one form, kept on the record and compared at verification: upper case,
    full-width signs as ASCII, every space left out ("b 123 4567" is "B1234567")."""
    return "".join(compatibility_form(value).split()).upper()


def passport_number_searched(value: str) -> str:
    """A passport number to look up, in its one form; one no passport could carry is refused, as a
    malformed citizen ID or phone is (an empty answer would read as "no such customer")."""
    number = normalize_passport_number(value)
    if not PASSPORT_NUMBER_RE.match(number):
        raise InvalidInput(
            _("A passport number has 5 to 20 letters and digits, as the passport prints it."),
            field="passport_number",
        )
    return number


def normalize_phone(value: str) -> str:
    """A Vietnamese number in its national form ("0912345678"), a foreign one in international form
    ("+14155550123"): the one form stored, searched through the blind index and sent codes."""
    compact = re.sub(r"[\s().-]", "", TRUNK_ZERO_IN_BRACKETS.sub("", compatibility_form(value)))
    if compact.startswith(INTERNATIONAL_PREFIX):
        compact = "+" + compact[len(INTERNATIONAL_PREFIX):]
    if compact.startswith(VIETNAM_COUNTRY_CODE):
        compact = "0" + compact[len(VIETNAM_COUNTRY_CODE):]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if PHONE_RE.match(compact) or INTERNATIONAL_PHONE_RE.match(compact):
        return compact
    raise InvalidInput(
        _(
            "Enter a Vietnamese phone number (0912 345 678 or +84 912 345 678), or a foreign one with its "
            "country code (+1 415 555 0123)."
        ),
        field="phone",
    )


def normalize_email(value: str) -> str:
    # Composed (NFC): a domain in Vietnamese typed on a Mac has the blind index of the one typed on Windows.
    email = nfc((value or "").strip()).lower()
    return valid_or_refused(validate_email, email, message=_("Enter a valid e-mail address."), field="email")


def validate_date_of_birth(value: date, *, today: date) -> date:
    if value > today:
        raise InvalidInput(_("The date of birth cannot be in the future."), field="date_of_birth")
    if value.year < 1900:
        raise InvalidInput(_("The date of birth is before 1900; check the year."), field="date_of_birth")
    return value


def validate_external_ref(value: str) -> str:
    """The customer number (CIF) in upper case, as the core system writes it: one typed in lower case
    is the same customer, not a second one."""
    ref = (value or "").strip()
    if not EXTERNAL_REF_RE.match(ref):
        raise InvalidInput(
            _("The customer number (CIF) is 1 to 64 letters, digits, dots, dashes or underscores."),
            field="external_ref",
        )
    return ref.upper()


def cif_candidates(value: str) -> tuple[str, str]:
    """The customer numbers a CIF as typed may be stored under, the one that wins first: as typed (a
    row left in lower case where upper-casing it would have taken another customer's number, subjects
    0003), then upper case, as the core system writes it. Every look-up of a typed CIF takes this
    rule: `cif_spellings` to load, `cif_pick` to choose, or both spellings in this order in SQL."""
    ref = (value or "").strip()
    return ref, ref.upper()


def cif_spellings(value: str) -> set[str]:
    """The customer numbers a CIF as typed may be stored under (`cif_candidates`), to load them all."""
    ref, upper = cif_candidates(value)
    return {ref, upper} if ref else set()


def cif_pick(found: Mapping[str, T], value: str) -> T | None:
    """Of `found` (keyed by stored customer number, loaded with `cif_spellings`), what the CIF as typed
    names: the one stored exactly as typed if there is one, else the upper-case one."""
    for spelling in cif_candidates(value):
        if spelling and spelling in found:
            return found[spelling]
    return None


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on a given day."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def birthday_at(date_of_birth: date, age: int) -> date:
    """The first day on which one born on `date_of_birth` is `age` whole years old (`age_on`): the
    birthday that year, or 1 March for one born on 29 February in a common year."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:  # 29 February in a common year: `age_on` counts the year from 1 March
        return date(date_of_birth.year + age, 3, 1)
