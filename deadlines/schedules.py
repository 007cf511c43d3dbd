"""The DPO's settings of the scheduled jobs: reminder thresholds and the times of the deadline reports.

Report times are django-celery-beat rows (`PeriodicTask` with a `CrontabSchedule` in local time);
`config/celery.py` declares the jobs and their default times, and `core.beat.DatabaseScheduler` keeps
a time the DPO changed. Each change is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from audit.services import audit_record
from core.actors import Actor
from core.beat import CHANGED_BY_DPO
from core.db import locked_or_not_found
from core.errors import InvalidInput, NotFound
from deadlines.models import ReminderThreshold
from deadlines.policy import LOCAL_TZ

MAX_THRESHOLD_HOURS = 24 * 30
# The report entries of `config/celery.py` the DPO may move, with their label.
REPORTS = {
    "deadline-report-daily": _("Daily deadline report"),
    "deadline-report-weekly": _("Weekly deadline summary"),
    "deadline-report-monthly": _("Monthly deadline report"),
}


@dataclass(frozen=True)
class ReportTime:
    name: str
    label: str
    hour: int
    minute: int
    changed: bool


def report_times() -> list[ReportTime]:
    """Each report's time of day: its beat row's when beat has written it, else `config/celery.py`'s."""
    rows = {t.name: t for t in PeriodicTask.objects.filter(name__in=list(REPORTS)).select_related("crontab")}
    times = []
    for name, label in REPORTS.items():
        row = rows.get(name)
        at = _time_of_day(name, row)
        times.append(
            ReportTime(
                name, str(label), at.hour, at.minute, row is not None and row.description == CHANGED_BY_DPO
            )
        )
    return times


def job_time_of_day(name: str) -> time:
    """The local time of day beat runs the daily job `name` of `config/celery.py`, as `report_times`
    reads it, for the pages that tell when a job acts."""
    return _time_of_day(name, PeriodicTask.objects.filter(name=name).select_related("crontab").first())


def _time_of_day(name: str, row: PeriodicTask | None) -> time:
    """A daily job's time: its beat row's when beat has written it, else `config/celery.py`'s."""
    if row is not None and row.crontab is not None:
        return time(int(row.crontab.hour), int(row.crontab.minute))
    schedule = current_app.conf.beat_schedule[name]["schedule"]
    return time(min(schedule.hour), min(schedule.minute))


def _cron_field(values: set[int], every: range) -> str:
    """A celery crontab field written back as django-celery-beat stores it ("*" for every value)."""
    return "*" if set(values) == set(every) else ",".join(str(value) for value in sorted(values))


def report_time_set(
    *, actor: Actor, name: str, hour: int, minute: int, now: datetime | None = None
) -> PeriodicTask:
    """Move a report to `hour`:`minute` local time, keeping its days (weekly: Monday; monthly: the 1st)."""
    if name not in REPORTS:
        raise NotFound()
    if not (0 <= hour <= 23):
        raise InvalidInput(_("Give an hour from 0 to 23."), field="hour")
    if not (0 <= minute <= 59):
        raise InvalidInput(_("Give a minute from 0 to 59."), field="minute")
    entry = current_app.conf.beat_schedule[name]
    default = entry["schedule"]
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week=_cron_field(default.day_of_week, range(7)),
            day_of_month=_cron_field(default.day_of_month, range(1, 32)),
            month_of_year=_cron_field(default.month_of_year, range(1, 13)),
            timezone=LOCAL_TZ.key,
        )
        task = PeriodicTask.objects.select_for_update().filter(name=name).first()
        old = None
        if task is None:
            task = PeriodicTask(name=name, task=entry["task"], kwargs=json.dumps(entry.get("kwargs", {})))
        elif task.crontab_id:
            old = f"{task.crontab.hour}:{task.crontab.minute}"
        task.crontab = crontab
        task.interval = None
        task.description = CHANGED_BY_DPO
        task.enabled = True
        task.save()
        audit_record(
            action="core.schedule.changed",
            actor=actor,
            target=task,
            data={"job": name, "from": old, "to": f"{hour}:{minute:02d}"},
            now=now,
        )
    return task


def reminder_threshold_add(
    *, actor: Actor, hours_before: int, now: datetime | None = None
) -> ReminderThreshold:
    """Remind `hours_before` hours before each deadline too (or again, when it was switched off)."""
    if not (1 <= hours_before <= MAX_THRESHOLD_HOURS):
        raise InvalidInput(
            _("Give a number of hours from 1 to %(max)s."), field="hours_before", max=MAX_THRESHOLD_HOURS
        )
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        threshold, created = ReminderThreshold.objects.select_for_update().get_or_create(
            hours_before=hours_before
        )
        _threshold_activate(threshold, True, was=None if created else threshold.active, actor=actor, now=now)
    return threshold


def reminder_threshold_set_active(
    *, actor: Actor, threshold_id: int, active: bool, now: datetime | None = None
) -> ReminderThreshold:
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        threshold = locked_or_not_found(ReminderThreshold, threshold_id)
        _threshold_activate(threshold, active, was=threshold.active, actor=actor, now=now)
    return threshold


def _threshold_activate(
    threshold: ReminderThreshold, active: bool, *, was: bool | None, actor: Actor, now: datetime
) -> None:
    """Switch a locked threshold on or off, with its audit entry (before and after: `was` is None for a
    new one); one already so is left alone, unaudited, so the trail counts only real changes."""
    if was == active:
        return
    threshold.active = active
    threshold.save(update_fields=["active", "updated_at"])
    audit_record(
        action="core.schedule.changed",
        actor=actor,
        target=threshold,
        data={"threshold_hours": threshold.hours_before, "active": {"before": was, "after": active}},
        now=now,
    )
