"""The one deadline policy: when the bank has committed to finish a piece of work, and when the law
says it must be finished.

Every due time in the platform comes from here, so commitments live in one editable table (`DeadlinePolicy`)
and no module sprinkles its own `timedelta`. Two clocks run for every request (domain notes, "two clocks"):

* `due_at`: the bank's committed deadline, from the `bank` regime's row;
* `statutory_due_at`: the earliest deadline of every statutory regime in force and marked as applying
  ("strictest applicable"), with the regime that set it.

Each row's clock starts on receipt, or for a breach on its detection, unless the row counts from the
event itself (`DeadlinePolicy.clock_start`: Decree 13 gives a breach 72 hours from the violation, Law 91
from the detection). A row is in force when the day its own clock starts falls in its period of force:
a violation before 2026 is timed by Decree 13 from the violation, a detection from 2026 by Law 91 from
the detection, and a violation of 2025 detected in 2026 by both, the earlier binding.

Times are stored in UTC; day boundaries are those of Asia/Ho_Chi_Minh. A period in days ends at the
end of its last local day (the day of receipt does not count); working days skip weekends and the
holidays of the working-day calendar (`deadlines.models.CalendarDay`), and count make-up Saturdays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from deadlines.local_days import LOCAL_TZ, add_months, local_midnight
from deadlines.models import (
    VIETNAMESE_LAWS,
    CalendarDay,
    ClockStart,
    DeadlinePolicy,
    DeadlineRegime,
    PeriodUnit,
)


def local_isoformat(moment: datetime | None) -> str | None:
    """A moment as exports give it to people and regulators: ISO 8601 in Vietnam time (None stays None)."""
    return moment.astimezone(LOCAL_TZ).isoformat() if moment else None


# Working-day periods are short (at most a few weeks); this bounds the holiday query generously.
_CALENDAR_LOOKAHEAD_DAYS = 400
END_OF_DAY = time(23, 59, 59)


def deadline_fallen_due(deadline: datetime | None, *, now: datetime) -> bool:
    """Whether a deadline given for a piece of work fell due at or before `now` (its clock running).

    The one rule for every recomputation of a deadline already given (a holiday added or taken out, a
    pause ending, the extension, a processor joining, a corrected start): one that has fallen due stays
    where it was. The sweeper has breached it and the figures count it; moving it would undo a breach
    that happened. A caller whose clock stood still (a pause begun before the deadline) does not ask."""
    return deadline is not None and deadline <= now


def binding_deadline(due_at: datetime, statutory_due_at: datetime | None) -> datetime:
    """The date that binds and that every customer-facing text quotes: the earlier of the bank's and
    the law's deadlines (a complaint's 15 working days may end after the law's 15 days)."""
    return due_at if statutory_due_at is None else min(due_at, statutory_due_at)


@dataclass(frozen=True)
class Deadlines:
    """Both clocks of one request, computed at intake (and again on a pause, resumption or extension)."""

    due_at: datetime
    acknowledge_by: datetime | None
    statutory_due_at: datetime | None
    regime: str  # the statutory regime whose deadline is the earliest, or "" when none sets one
    pausable: bool  # at least one of the clocks may pause while awaiting the customer
    extendable: bool
    # The pause going on (`paused_since`) began before every pausable statutory deadline: it stops the
    # statutory clock, and its length is to move it when it ends.
    statutory_stopped: bool = False

    @property
    def answer_by(self) -> datetime:
        return binding_deadline(self.due_at, self.statutory_due_at)


def due_at_for(
    *, request_type: str, received_at: datetime, subject=None, processor_involved: bool = False,
    policies: list[DeadlinePolicy] | None = None,
) -> datetime:
    """The bank's committed deadline (`due_at`) for work of `request_type` received at `received_at`, by
    `policies` (work heard before now: `deadlines.history.policies_as_of`) or the table as it stands."""
    return deadlines_for(
        request_type=request_type, received_at=received_at, subject=subject,
        processor_involved=processor_involved, policies=policies,
    ).due_at


def deadlines_for(
    *,
    request_type: str,
    received_at: datetime,
    occurred_at: datetime | None = None,
    subject=None,
    processor_involved: bool = False,
    paused: timedelta = timedelta(0),
    statutory_paused: timedelta = timedelta(0),
    paused_since: datetime | None = None,
    extended: bool = False,
    policies: list[DeadlinePolicy] | None = None, calendar: WorkingCalendar | None = None,
) -> Deadlines:
    """Both clocks for work received (a breach: detected) at `received_at`.

    `occurred_at` is when the event behind the work happened (a breach's violation), where a row's
    clock starts from it (`ClockStart.OCCURRED`); without it every clock starts at `received_at`.
    `paused` and `statutory_paused` are the time the bank's and the statutory clocks stood still while
    awaiting the customer (pauses that have ended and began before that clock's deadline); each pushes a
    deadline only where that regime's row allows pausing. `paused_since` is when a pause still going on
    began: a pausable statutory row whose deadline had not passed by then stands still, so it sets no
    statutory deadline until the pause ends (and `statutory_paused` then moves it; `statutory_stopped`
    says whether it does); the rows that may not pause (Law 91) still do, and a deadline passed before
    the pause stays passed. The bank's deadline is left as it stood (the sweeper skips a paused
    request's bank clock while it had time left). `extended` adds the one-time extension of each regime
    whose row has one, and moves no other clock. `subject` is accepted so regimes can later apply per
    customer (e.g. EU residents); today every active regime applies to every customer. `policies` are
    the rows to time by (a request's own, as they stood when it was received: `policies_from_snapshot`;
    work heard before now: `deadlines.history.policies_as_of`); by default the table as it stands.
    `calendar`: the working days from receipt, read once for many stops.
    """
    rows = _policies_in_force(request_type, received_at, occurred_at) if policies is None else policies
    # One calendar from the earliest clock start to well past the latest (receipt comes last).
    first_day = min((_local_day(_clock_start(row, received_at, occurred_at)) for row in rows),
                    default=_local_day(received_at))
    calendar = calendar or WorkingCalendar.around(
        first_day, days=(_local_day(received_at) - first_day).days + _CALENDAR_LOOKAHEAD_DAYS
    )
    bank = _bank_row(rows)
    # Vietnam's laws first: a foreign deadline at the same moment does not take the credit for it.
    statutory = [row for row in rows if row.regime != DeadlineRegime.BANK]
    statutory.sort(key=lambda row: row.regime not in VIETNAMESE_LAWS)

    def deadline_of(row: DeadlinePolicy) -> datetime:
        """`row`'s deadline for this work, counted from its own clock start: bank and law alike."""
        return _deadline(
            row,
            _clock_start(row, received_at, occurred_at),
            calendar,
            processor_involved=processor_involved,
            paused=paused if row.regime == DeadlineRegime.BANK else statutory_paused,
            extended=extended,
        )

    statutory_due, regime = None, ""
    # The earliest statutory deadline as if no pause were going on (as `statutory_due` is without one):
    # what a bank without a row of its own answers to.
    law_due = None
    pausable_dues = []
    for row in statutory:
        if row.period is None:
            continue
        candidate = deadline_of(row)
        law_due = candidate if law_due is None else min(law_due, candidate)
        if row.pausable:
            pausable_dues.append(candidate)
        if row.pausable and paused_since is not None and candidate > paused_since:
            continue  # standing still until the pause ends
        if statutory_due is None or candidate < statutory_due:
            statutory_due, regime = candidate, row.regime

    acknowledge_by = None
    for row in rows:
        if row.acknowledge_period is None:
            continue
        candidate = add_period(received_at, row.acknowledge_period, row.acknowledge_unit, calendar)
        if acknowledge_by is None or candidate < acknowledge_by:
            acknowledge_by = candidate

    if bank is not None:
        due, pausable = deadline_of(bank), bank.pausable
    elif law_due is not None:
        # No bank commitment for this type: the bank answers to the law's clock.
        due, pausable = law_due, True
    else:
        raise Conflict(
            _("No deadline policy applies to this request type; ask the DPO to set one."),
            code="no_deadline_policy",
        )
    # The request pauses when any of its clocks may; each deadline then moves only if its own row allows.
    pausable = pausable or any(row.pausable for row in statutory if row.period is not None)
    return Deadlines(
        due_at=due,
        acknowledge_by=acknowledge_by,
        statutory_due_at=statutory_due,
        regime=regime,
        pausable=pausable,
        extendable=policies_extendable(rows),
        # One accumulator moves every pausable statutory row: credited only when the pause stopped them
        # all, a row that had run out is not moved, and those still running are later than it anyway.
        statutory_stopped=paused_since is not None
        and bool(pausable_dues)
        and all(due > paused_since for due in pausable_dues),
    )


@dataclass(frozen=True)
class BindingPeriod:
    """The period that times a piece of the bank's work, and whose it is: the bank's own commitment, or
    the law's where the bank sets none. A page names the one it quotes (the bank does not commit to the
    law's period by quoting it)."""

    amount: int
    unit: str
    regime: str  # the `DeadlineRegime` of the row that sets it

    @property
    def is_bank_commitment(self) -> bool:
        return self.regime == DeadlineRegime.BANK


def binding_period(
    request_type: str, *, processor_involved: bool = False, at: datetime | None = None
) -> BindingPeriod | None:
    """The period that times the bank's work of `request_type` received at `at` (now), as `deadlines_for`
    times it: the bank's own row in force, or, where the bank sets none, the law's row ending first.
    What a page quotes ("recipients stop within 72 hours"); None when no row sets one."""
    at = at or timezone.now()
    rows = _policies_in_force(request_type, at, None)
    return binding_period_among(rows, at, processor_involved=processor_involved)


def binding_period_among(
    rows: list[DeadlinePolicy], at: datetime, *, processor_involved: bool = False
) -> BindingPeriod | None:
    """`binding_period` of `rows` in force at `at`, as they stand or stood (`deadlines.history`)."""
    binding = _bank_row(rows)
    if binding is None:
        law = [row for row in rows if row.regime != DeadlineRegime.BANK and row.period is not None]
        if not law:
            return None
        calendar = WorkingCalendar.around(_local_day(at))
        binding = min(
            law, key=lambda row: policy_row_deadline(row, at, calendar, processor_involved=processor_involved)
        )
    return BindingPeriod(_period(binding, processor_involved), binding.unit, binding.regime)


def policies_extendable(rows: list[DeadlinePolicy]) -> bool:
    """Whether work timed by `rows` may be extended once: by the bank's row or a statutory one (no calendar
    read). A bank without a row of its own answers to the law's clock: only the law's rows extend it."""
    statutory = [row for row in rows if row.regime != DeadlineRegime.BANK]
    return any(row is not None and row.extension_period is not None for row in [_bank_row(rows), *statutory])


def _bank_row(rows: list[DeadlinePolicy]) -> DeadlinePolicy | None:
    return next((row for row in rows if row.regime == DeadlineRegime.BANK and row.period is not None), None)


def _period(row: DeadlinePolicy, processor_involved: bool) -> int:
    return row.processor_period if processor_involved and row.processor_period is not None else row.period


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment, LOCAL_TZ).date()


def _clock_start(row: DeadlinePolicy, received_at: datetime, occurred_at: datetime | None) -> datetime:
    """When `row`'s clock starts: at the event where the row counts from it and the work has one
    (a breach's violation), else on receipt (a breach's detection)."""
    if row.clock_start == ClockStart.OCCURRED and occurred_at is not None:
        return occurred_at
    return received_at


def _policies_in_force(request_type: str, received_at: datetime, occurred_at: datetime | None) -> list:
    """The active rows of `request_type` in force on the day each one's own clock starts."""
    return rows_in_force(DeadlinePolicy.objects.filter(request_type=request_type, active=True),
                         received_at, occurred_at)


def rows_in_force(rows, received_at: datetime, occurred_at: datetime | None = None) -> list[DeadlinePolicy]:
    """Of `rows` (as they stand, or stood: `deadlines.history`), the active ones in force on the day each
    one's own clock starts."""
    days = [(row, _local_day(_clock_start(row, received_at, occurred_at))) for row in rows if row.active]
    return [row for row, day in days if (row.effective_from is None or row.effective_from <= day)
            and (row.effective_to is None or day <= row.effective_to)]


# What a snapshot leaves out of a row: its identity in the table and when it was last edited.
_NOT_IN_SNAPSHOT = ("id", "updated_at")


def policy_snapshot(rows, *, model=DeadlinePolicy) -> list[dict]:
    """The rows as plain JSON data (dates as ISO text), every field that times a clock; `model` is the
    rows' model (a migration's historical one)."""
    fields = [field for field in model._meta.concrete_fields if field.name not in _NOT_IN_SNAPSHOT]
    snapshot = []
    for row in rows:
        values = {field.name: field.value_from_object(row) for field in fields}
        snapshot.append({name: v.isoformat() if isinstance(v, date) else v for name, v in values.items()})
    return snapshot


def policies_from_snapshot(snapshot: list[dict]) -> list[DeadlinePolicy]:
    """The rows of a `policy_snapshot`, unsaved, for `deadlines_for(policies=...)`; a field the table has
    gained since takes its default."""
    fields = {field.name: field for field in DeadlinePolicy._meta.concrete_fields}
    return [
        DeadlinePolicy(**{name: fields[name].to_python(v) for name, v in entry.items() if name in fields})
        for entry in snapshot
    ]


def _deadline(
    row: DeadlinePolicy,
    starts_at: datetime,
    calendar: WorkingCalendar,
    *,
    processor_involved: bool,
    paused: timedelta,
    extended: bool,
) -> datetime:
    due = add_period(starts_at, _period(row, processor_involved), row.unit, calendar)
    if extended and row.extension_period is not None:
        # The extension runs on from the end of the period it extends (GDPR's "two further months": 31
        # January's month ends on 28 February, extended on 28 April, not 30 April). Days come out the same.
        due = add_period(due, row.extension_period, row.unit, calendar)
    if row.pausable and paused > timedelta(0):
        due += paused
    return due


def policy_row_deadline(
    row: DeadlinePolicy, received_at: datetime, calendar: WorkingCalendar, *, processor_involved: bool = False
) -> datetime:
    """One row's deadline for work received at `received_at`, as `deadlines_for` computes it (no pause,
    no extension): what the policy page compares the bank's commitment with the law by."""
    return _deadline(
        row, received_at, calendar, processor_involved=processor_involved, paused=timedelta(0), extended=False
    )


def add_period(start: datetime, amount: int, unit: str, calendar: WorkingCalendar | None = None) -> datetime:
    """`start` plus `amount` of `unit`; day-based periods end at the end of their last local day."""
    if unit == PeriodUnit.HOURS:
        return start + timedelta(hours=amount)
    local_day = timezone.localtime(start, LOCAL_TZ).date()
    if unit == PeriodUnit.DAYS:
        last_day = local_day + timedelta(days=amount)
    elif unit == PeriodUnit.MONTHS:
        last_day = add_months(local_day, amount)
    elif unit == PeriodUnit.WORKING_DAYS:
        last_day = (calendar or WorkingCalendar.around(local_day)).add_working_days(local_day, amount)
    else:
        raise ValueError(f"unknown period unit {unit!r}")
    return datetime.combine(last_day, END_OF_DAY, tzinfo=LOCAL_TZ).astimezone(ZoneInfo("UTC"))


def local_month(first: date) -> tuple[datetime, datetime]:
    """The local month that starts on `first` (its first day), from its first midnight to the next
    month's: a monthly report's period."""
    return local_midnight(first), local_midnight(add_months(first, 1))


class WorkingCalendar:
    """Monday–Friday, less the calendar's holidays, plus its make-up working days."""

    def __init__(self, holidays: set[date], working: set[date]) -> None:
        self.holidays = holidays
        self.working = working

    @classmethod
    def around(cls, start: date, *, days: int = _CALENDAR_LOOKAHEAD_DAYS) -> WorkingCalendar:
        rows = CalendarDay.objects.filter(date__gte=start, date__lte=start + timedelta(days=days))
        holidays, working = set(), set()
        for day, kind in rows.values_list("date", "kind"):
            (working if kind == CalendarDay.Kind.WORKING else holidays).add(day)
        return cls(holidays, working)

    def is_working_day(self, day: date) -> bool:
        if day in self.working:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, amount: int) -> date:
        """The `amount`-th working day after `start` (the day of receipt itself is not counted)."""
        day, counted = start, 0
        while counted < amount:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day
