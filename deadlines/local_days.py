"""Local (Asia/Ho_Chi_Minh) days: the zone every day boundary of the platform is counted in, and the
date arithmetic on it that deadlines (`deadlines.policy`) and report periods share."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_midnight(day: date) -> datetime:
    """The start of this local (Asia/Ho_Chi_Minh) day, as an aware datetime: report periods run
    from one local midnight to another."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 January + 1 month = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def local_year(year: int) -> tuple[datetime, datetime]:
    """The local calendar year, from 1 January's first midnight to the next year's (31 December 23:59 in
    Hà Nội is 16:59 UTC, still that year): a yearly report's period."""
    return local_midnight(date(year, 1, 1)), local_midnight(date(year + 1, 1, 1))
