"""Normalisers and validators for Vietnamese identifiers and contact details.

Each normaliser returns the canonical form (used for storage and the blind index) or raises
InvalidInput naming the field, with a message a branch officer can act on.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput

# ASCII digits only: `\d` alone accepts any script's digits, which would be stored as sent and never
# match the blind index of the same number typed in ASCII.
NATIONAL_ID_RE = re.compile(r"^\d{12}$", re.ASCII)
# Mobile numbers (03x, 05x, 07x, 08x, 09x) and landlines (02x) in the 10- and 11-digit national plans.
PHONE_RE = re.compile(r"^0(?:[35789]\d{8}|2\d{9})$", re.ASCII)
EXTERNAL_REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def compatibility_form(value: str) -> str:
    """Full-width digits and signs (from East Asian input methods) as their ASCII twins (NFKC)."""
    return unicodedata.normalize("NFKC", value or "")


def normalize_national_id(value: str) -> str:
    digits = re.sub(r"[\s.-]", "", compatibility_form(value))
    if not NATIONAL_ID_RE.match(digits):
        raise InvalidInput(_("A citizen ID (CCCD) has exactly 12 digits."), field="national_id")
    return digits


def normalize_phone(value: str) -> str:
    compact = re.sub(r"[\s().-]", "", compatibility_form(value))
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if not PHONE_RE.match(compact):
        raise InvalidInput(
            _("Enter a Vietnamese phone number, for example 0912 345 678 or +84 912 345 678."),
            field="phone",
        )
    return compact


def normalize_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    return email


def validate_date_of_birth(value: date, *, today: date) -> date:
    if value > today:
        raise InvalidInput(_("The date of birth cannot be in the future."), field="date_of_birth")
    if value.year < 1900:
        raise InvalidInput(_("The date of birth is before 1900; check the year."), field="date_of_birth")
    return value


def validate_external_ref(value: str) -> str:
    ref = (value or "").strip()
    if not EXTERNAL_REF_RE.match(ref):
        raise InvalidInput(
            _("The customer number (CIF) is 1 to 64 letters, digits, dots, dashes or underscores."),
            field="external_ref",
        )
    return ref


# The dates a query or a file can mean. Outside them a date is a typing mistake, and the extremes
# overflow: 0001-01-01 at +07:00 is before year 1 in UTC, 9999-12-31 runs past year 9999.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def parse_day(value: str | None, *, field: str) -> date | None:
    """A YYYY-MM-DD date from a query string or a file, or None when empty; InvalidInput otherwise."""
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:  # well formed but not on the calendar (30 February)
        day = None
    if day is None:
        raise InvalidInput(_("Give a real date as YYYY-MM-DD."), field=field)
    _check_range(day, field=field)
    return day


def parse_moment(value: str | None, *, field: str, day_starts_at: time = time.min) -> datetime | None:
    """A date (taken at `day_starts_at`, local time) or an ISO 8601 date-time (local time when it
    has no offset), aware; None when empty; InvalidInput when it is not a real moment."""
    if not value:
        return None
    try:
        if len(value) == len("YYYY-MM-DD"):
            day = parse_date(value)
            moment = datetime.combine(day, day_starts_at) if day else None
        else:
            moment = parse_datetime(value)
    except ValueError:  # well formed but not on the calendar or the clock
        moment = None
    if moment is None:
        raise InvalidInput(_("Give a real date (YYYY-MM-DD) or an ISO 8601 date-time."), field=field)
    _check_range(moment.date(), field=field)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _check_range(day: date, *, field: str) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise InvalidInput(
            _("Give a date between %(earliest)s and %(latest)s."), field=field,
            earliest=EARLIEST_DAY.isoformat(), latest=LATEST_DAY.isoformat(),
        )


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on a given day."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
