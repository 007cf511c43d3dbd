"""The DPO's edits to the deadline policy table and the working-day calendar, audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.db import locked_or_not_found
from core.errors import Conflict, InvalidInput, required_text
from core.moments import check_in_range
from deadlines.history import POLICY_CHANGED
from deadlines.models import (
    CEILING_EXPLANATIONS,
    NO_PAUSE_REGIMES,
    OCCURRENCE_TYPES,
    PERIOD_MAX,
    PERIOD_MIN,
    VIETNAMESE_CALENDAR_REGIMES,
    CalendarDay,
    ClockStart,
    DeadlinePolicy,
    DeadlineRegime,
    PeriodUnit,
    legal_ceilings_for,
)
from dsr.services.base import clocks_recompute_for_calendar, requests_crossing_locked

POLICY_FIELDS = (
    "period",
    "unit",
    "processor_period",
    "acknowledge_period",
    "acknowledge_unit",
    "extension_period",
    "pausable",
    "clock_start",
    "effective_from",
    "effective_to",
    "active",
    "legal_reference",
)


def deadline_policy_update(
    *, actor: Actor, policy_id: int, changes: dict[str, Any], now: datetime | None = None
) -> DeadlinePolicy:
    """Change one regime's clock for one request type; work received from `now` (the edit's audit entry:
    `deadlines.history`) on uses it."""
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s."), fields=", ".join(sorted(unknown))
        )
    with transaction.atomic(durable=True):
        policy = locked_or_not_found(DeadlinePolicy, policy_id, _("No such policy row."))
        diff = {}
        for name, value in changes.items():
            old = getattr(policy, name)
            if old != value:
                diff[name] = {"before": str(old), "after": str(value)}
                setattr(policy, name, value)
        _check_periods(policy)
        _check_calendar(policy)
        _check_legal_ceiling(policy)
        if policy.pausable and policy.regime in NO_PAUSE_REGIMES:
            raise InvalidInput(
                _("%(regime)s has no pause: its clock keeps running while the bank waits for the customer."),
                field="pausable",
                regime=policy.get_regime_display(),
            )
        for name in ("effective_from", "effective_to"):
            if getattr(policy, name):
                check_in_range(getattr(policy, name), field=name)
        if policy.effective_from and policy.effective_to and policy.effective_to < policy.effective_from:
            raise InvalidInput(_("The end date comes before the start date."), field="effective_to")
        if policy.clock_start not in ClockStart.values or (
            policy.clock_start == ClockStart.OCCURRED and policy.request_type not in OCCURRENCE_TYPES
        ):
            raise InvalidInput(
                _("Only a breach notification's clock can start when the breach occurred; "
                  "this clock starts on receipt."),
                field="clock_start",
            )
        if not diff:
            return policy
        # Saved at the edit's moment, its audit entry's: `deadlines.history` reads the one to skip the other.
        policy.updated_at = now or timezone.now()
        DeadlinePolicy.objects.filter(pk=policy.pk).update(
            **{name: getattr(policy, name) for name in diff}, updated_at=policy.updated_at
        )
        audit_record(
            action=POLICY_CHANGED,
            actor=actor,
            target=policy,
            now=policy.updated_at,
            data={"regime": policy.regime, "request_type": policy.request_type, "changed": diff},
        )
    return policy


def _check_periods(policy: DeadlinePolicy) -> None:
    """Each period of the row, when given, at least 1 and no longer than a year in its unit (`PERIOD_MAX`):
    a period of 0 made every request overdue when received and its receipt promise an answer that day."""
    units = {"period": policy.unit, "processor_period": policy.unit, "extension_period": policy.unit,
             "acknowledge_period": policy.acknowledge_unit}
    for name, unit in units.items():
        largest = PERIOD_MAX.get(unit)
        if getattr(policy, name) is not None and getattr(policy, name) < PERIOD_MIN:
            raise InvalidInput(_("Give a period of at least 1 %(unit)s, or leave it empty if there is none."),
                               field=name, unit=PeriodUnit(unit).label)
        if getattr(policy, name) is not None and largest is not None and getattr(policy, name) > largest:
            raise InvalidInput(_("Give a period of at most %(largest)s %(unit)s (a year)."), field=name,
                               largest=largest, unit=PeriodUnit(unit).label)


def _check_calendar(policy: DeadlinePolicy) -> None:
    """A foreign regime's row counts no working days: the calendar holds Vietnam's holidays
    (`VIETNAMESE_CALENDAR_REGIMES`)."""
    if policy.regime in VIETNAMESE_CALENDAR_REGIMES:
        return
    counted = {"unit": policy.period is not None and policy.unit,
               "acknowledge_unit": policy.acknowledge_period is not None and policy.acknowledge_unit}
    for field, unit in counted.items():
        if unit == PeriodUnit.WORKING_DAYS:
            raise InvalidInput(
                _("%(regime)s does not follow Vietnam's working-day calendar (its holidays are Vietnamese): "
                  "give this period in calendar days, hours or months."),
                field=field,
                regime=policy.get_regime_display(),
            )


def _check_legal_ceiling(policy: DeadlinePolicy) -> None:
    """A foreign regime's row no longer than its law (`LEGAL_CEILINGS`): its period (with a processor
    too), and either with the extension."""
    ceilings = legal_ceilings_for(policy.regime, policy.request_type)
    if ceilings is None or policy.period is None:
        return
    if policy.unit not in ceilings:
        raise InvalidInput(_("%(regime)s counts this period in: %(units)s."), field="unit",
                           regime=policy.get_regime_display(),
                           units=", ".join(str(PeriodUnit(unit).label) for unit in ceilings))
    own_most, total_most = ceilings[policy.unit]
    unit = PeriodUnit(policy.unit).label
    regime = DeadlineRegime(policy.regime).label
    for field in ("period", "processor_period"):
        if (getattr(policy, field) or 0) > own_most:
            refusal = _("%(regime)s gives at most %(most)s %(unit)s before any extension.")
            raise InvalidInput(_explained(refusal, policy), field=field, regime=regime, most=own_most,
                               unit=unit)
    longest = max(policy.period, policy.processor_period or 0)
    if longest + (policy.extension_period or 0) > total_most:
        raise InvalidInput(
            _explained(_("%(regime)s gives at most %(most)s %(unit)s with the extension: the extension "
                         "can be at most %(extension)s %(unit)s."), policy),
            field="extension_period", regime=regime, most=total_most, unit=unit,
            extension=total_most - longest,
        )


def _explained(refusal, policy: DeadlinePolicy):
    """The refusal followed by why the ceiling is shorter in this unit than the law's words, if it is."""
    explanation = CEILING_EXPLANATIONS.get((policy.regime, policy.unit))
    return format_lazy("{} {}", refusal, explanation) if explanation else refusal


def calendar_day_set(
    *, actor: Actor, day: date, kind: str, name: str, now: datetime | None = None
) -> CalendarDay:
    """Add a holiday or a make-up working day (or change one already there); the working-day
    deadlines of open requests follow (Vietnam announces compensatory days off late)."""
    if kind not in CalendarDay.Kind.values:
        raise InvalidInput(_("Choose a holiday or a make-up working day."), field="kind")
    check_in_range(day, field="date")
    name = required_text(name, field="name", message=_("Name the day."))
    with transaction.atomic(durable=True):
        crossing = requests_crossing_locked(day=day)
        now = now or timezone.now()
        try:
            entry, _created = CalendarDay.objects.update_or_create(
                date=day, defaults={"kind": kind, "name": name[:120]}
            )
        except IntegrityError:
            raise Conflict(_("This date is already in the calendar.")) from None
        audit_record(
            action="dsr.calendar.changed",
            actor=actor,
            target=entry,
            data={"date": day.isoformat(), "kind": kind},
            now=now,
        )
        clocks_recompute_for_calendar(crossing, day=day, actor=actor, now=now)
    return entry


def calendar_day_remove(*, actor: Actor, day_id: int, now: datetime | None = None) -> None:
    """Take a day out of the calendar; open requests' deadlines are recomputed but never brought
    forward (a date the customer was given stands)."""
    with transaction.atomic(durable=True):
        day = CalendarDay.objects.filter(pk=day_id).values_list("date", flat=True).first()
        # The requests before the day's row and its entry (a day's date never changes).
        crossing = requests_crossing_locked(day=day) if day is not None else []
        entry = locked_or_not_found(CalendarDay, day_id, _("No such day."))
        now = now or timezone.now()
        audit_record(
            action="dsr.calendar.changed",
            actor=actor,
            target=entry,
            data={"date": entry.date.isoformat(), "removed": True},
            now=now,
        )
        entry.delete()
        clocks_recompute_for_calendar(crossing, day=day, actor=actor, now=now)
