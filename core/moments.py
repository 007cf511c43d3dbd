"""Dates and moments typed by people: in query strings, forms and files."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput

# The dates a query or a file can mean. Outside them a date is a typing mistake, and the extremes
# overflow: 0001-01-01 at +07:00 is before year 1 in UTC, 9999-12-31 runs past year 9999.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
# A date as Excel saves a date cell on a Windows whose regional format is Vietnamese: the day first,
# then the month, as Vietnamese dates are always written (never the month first), the year in full;
# a date-time cell adds the time on the 24-hour clock.
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")


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
    check_in_range(day, field=field)
    return day


def parse_month(value: str | None, *, field: str, latest: date | None = None) -> date | None:
    """A YYYY-MM month (what a month picker sends) as its first day, or None when empty;
    InvalidInput otherwise, and for a month after `latest` (a first day) when given: a report of a
    month that has not begun would show today's figures under its name."""
    if not value:
        return None
    try:
        year, month = (int(part) for part in value.split("-")) if len(value) == len("YYYY-MM") else (0, 0)
        first = date(year, month, 1)
    except ValueError:  # not two numbers, or not a month (2026-13)
        first = None
    if first is None:
        raise InvalidInput(_("Give a month as YYYY-MM."), field=field)
    check_in_range(first, field=field)
    if latest is not None and first > latest:
        raise InvalidInput(_("That month has not begun yet: give %(latest)s or an earlier month."),
                           field=field, latest=f"{latest:%Y-%m}")
    return first


def parse_year(value: str | None, *, field: str, latest: int) -> int | None:
    """A YYYY year, or None when empty; InvalidInput otherwise, and for a year after `latest`: a report
    of a year that has not begun would show nothing under its name."""
    if not value:
        return None
    if not (len(value) == len("YYYY") and value.isascii() and value.isdigit()):
        raise InvalidInput(_("Give a year as YYYY."), field=field)
    year = int(value)
    check_in_range(date(max(year, 1), 1, 1), field=field)
    if year > latest:
        raise InvalidInput(_("That year has not begun yet: give %(latest)s or an earlier year."),
                           field=field, latest=str(latest))
    return year


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
    check_in_range(moment, field=field)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def period_check(
    since: date | datetime | None, until: date | datetime | None, *, field: str = "since"
) -> None:
    """A period given by both ends must start before it ends: InvalidInput on `field` otherwise, never
    a silent fall back to a default period the reader did not ask for."""
    if since is not None and until is not None and since >= until:
        raise InvalidInput(_("The period must start before it ends."), field=field)


def last_day_check(day: date | None, *, field: str) -> None:
    """InvalidInput on `field` when a last day (a staff role's, an API token's) is already past, local
    time: what it would grant would end before it began; or outside the calendar the platform reads
    (`check_in_range`): the end of 31/12/9999 is past the last moment Python can hold."""
    if day is None:
        return
    check_in_range(day, field=field)
    if day < timezone.localdate():
        raise InvalidInput(_("This last day has already passed: choose today or a later day."), field=field)


def day_first_iso(value: str) -> str | None:
    """A date written day first (18/03/2024, 4/3/2024, 18/03/2024 10:15, 18/03/2024 10:15:30) rewritten
    in ISO 8601 (2024-03-18, 2024-03-04, 2024-03-18T10:15...), for `parse_moment` to judge against the
    calendar; None for any other shape. A two-digit year is not read: its century is a guess."""
    match = _DAY_FIRST.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute, second = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        iso += f"T{int(hour):02d}:{minute}" + (f":{second}" if second else "")
    return iso


def day_in_range(value: date) -> bool:
    """Whether the date, or a date-time's date, is one a query, a body or a file can mean (and safe to
    convert to UTC)."""
    return EARLIEST_DAY <= (value.date() if isinstance(value, datetime) else value) <= LATEST_DAY


def out_of_range_message() -> str:
    """What to tell a person whose date is outside the range, in the active language."""
    return _("Give a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat(),
    }


def check_in_range(value: date, *, field: str) -> None:
    """InvalidInput on `field` when the date, or a date-time's date, is outside the range: for the
    services whose dates come from pages and bodies alike."""
    if not day_in_range(value):
        raise InvalidInput(
            _("Give a date between %(earliest)s and %(latest)s."), field=field,
            earliest=EARLIEST_DAY.isoformat(), latest=LATEST_DAY.isoformat(),
        )


def next_whole_minute(moment: datetime) -> datetime:
    """`moment`, or the next whole minute when it falls inside one: a bound people read to the minute
    must not be named earlier than it is, or the moment named is refused again."""
    if moment.second or moment.microsecond:
        return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment


def moment_for_people(moment: datetime) -> str:
    """A moment as people read it, in local time and the active language's format, with its UTC
    offset: an integration's developer may sit in another zone."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'SHORT_DATETIME_FORMAT')} (UTC{local.isoformat()[-6:]})"


def local_iso(moment: datetime | None) -> str | None:
    """An aware date-time as the API writes one: local time with its offset (+07:00), not UTC; None
    stays None. The API's encoder and the webhooks' payloads both write this form."""
    return timezone.localtime(moment).isoformat() if moment is not None else None
