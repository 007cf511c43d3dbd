"""Reads of the deadline policy table, the working-day calendar and the reminder thresholds, as the
DPO's pages list them, and the check of the bank's commitments against the law."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from deadlines.models import CalendarDay, DeadlinePolicy, DeadlineRegime, ReminderThreshold
from deadlines.policy import LOCAL_TZ, WorkingCalendar, policy_row_deadline

# How far ahead the bank's commitments are compared with the law: a year of days of receipt covers
# every length of month and the year's holidays. The longest period (a few months) is added on top.
LOOSER_THAN_LAW_HORIZON_DAYS = 366
_LONGEST_PERIOD_DAYS = 200
# A request received at noon, local time: day-based periods do not depend on the hour.
_RECEIVED_AT = time(12, 0)


def policy_rows() -> QuerySet[DeadlinePolicy]:
    return DeadlinePolicy.objects.order_by("regime", "request_type", "effective_from")


def policy_row_by_id(pk) -> DeadlinePolicy | None:
    return DeadlinePolicy.objects.filter(pk=pk).first()


def calendar_days() -> QuerySet[CalendarDay]:
    return CalendarDay.objects.order_by("date")


def reminder_thresholds() -> QuerySet[ReminderThreshold]:
    """The thresholds, the earliest reminder (most hours before the deadline) first."""
    return ReminderThreshold.objects.order_by("-hours_before")


@dataclass(frozen=True)
class LooserThanLaw:
    """A bank row whose committed deadline falls after a statutory row's deadline for the same type,
    with the first day of receipt on which it does and both deadlines for a request received then."""

    bank_row: DeadlinePolicy
    statutory_row: DeadlinePolicy
    received_on: date
    processor_involved: bool
    bank_due: datetime
    statutory_due: datetime


def policy_rows_looser_than_law(
    *, today: date | None = None, horizon_days: int = LOOSER_THAN_LAW_HORIZON_DAYS
) -> dict[int, list[LooserThanLaw]]:
    """The bank's rows whose deadline can fall after the statutory deadline of the same request type,
    keyed by the bank row's id: for every day of receipt from `today` over the horizon on which both
    rows are in force and active, with and without a processor, as `deadlines_for` times them.

    The customer is still promised the earlier date (`binding_deadline`), so no request is late for
    it; but the bank's own commitment is then looser than the law for that type, which the DPO is
    warned of on the policy page (a complaint's 15 working days against Law 91's 15 days)."""
    today = today or timezone.localdate(timezone.now(), LOCAL_TZ)
    rows = [
        row
        for row in DeadlinePolicy.objects.filter(active=True, period__isnull=False)
        if row.effective_to is None or row.effective_to >= today
    ]
    statutory_by_type: dict[str, list[DeadlinePolicy]] = defaultdict(list)
    for row in rows:
        if row.regime != DeadlineRegime.BANK:
            statutory_by_type[row.request_type].append(row)
    calendar = WorkingCalendar.around(today, days=horizon_days + _LONGEST_PERIOD_DAYS)
    findings: dict[int, list[LooserThanLaw]] = defaultdict(list)
    for bank in (row for row in rows if row.regime == DeadlineRegime.BANK):
        for law in statutory_by_type[bank.request_type]:
            finding = _first_day_looser(bank, law, today, horizon_days, calendar)
            if finding is not None:
                findings[bank.pk].append(finding)
    return dict(findings)


def _first_day_looser(
    bank: DeadlinePolicy, law: DeadlinePolicy, today: date, horizon_days: int, calendar: WorkingCalendar
) -> LooserThanLaw | None:
    starts = [day for day in (today, bank.effective_from, law.effective_from) if day is not None]
    horizon_end = today + timedelta(days=horizon_days - 1)
    ends = [day for day in (horizon_end, bank.effective_to, law.effective_to) if day is not None]
    day, last = max(starts), min(ends)
    while day <= last:
        received_at = datetime.combine(day, _RECEIVED_AT, tzinfo=LOCAL_TZ)
        for processor_involved in (False, True):
            bank_due = policy_row_deadline(bank, received_at, calendar, processor_involved=processor_involved)
            law_due = policy_row_deadline(law, received_at, calendar, processor_involved=processor_involved)
            if bank_due > law_due:
                return LooserThanLaw(bank, law, day, processor_involved, bank_due, law_due)
        day += timedelta(days=1)
    return None
