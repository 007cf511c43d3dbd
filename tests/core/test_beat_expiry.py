"""What beat sends expires after about one interval (config/celery.py's `expires`), so a backlog after
the workers were down does not run the same every-minute sweep sixty times an hour.

Beat runs `core.beat.DatabaseScheduler` (django-celery-beat), which copies each entry's options into
its PeriodicTask row and keeps only queue, exchange, routing key, priority, headers and
`expire_seconds`: an `expires` option written in Celery's own words would be dropped on the way."""
from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask

import audit.tasks  # noqa: F401 (registers the tasks beat sends)
import deadlines.tasks  # noqa: F401
import dsr.tasks  # noqa: F401
import integrations.tasks  # noqa: F401
from config.celery import DAY, app
from core.actors import actor_for_user
from core.beat import DatabaseScheduler
from deadlines.schedules import report_time_set

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scheduler(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the beat's file lock (no Redis in this run) stays the test's own
    settings.REDIS_URL = ""

    def start() -> DatabaseScheduler:
        started.append(DatabaseScheduler(app=app))
        return started[-1]

    started: list[DatabaseScheduler] = []
    yield start
    for beat in started:
        beat.leadership.release()


def _sent_options(monkeypatch, beat: DatabaseScheduler, entry) -> dict:
    sent = []
    monkeypatch.setattr(app.tasks[entry.task], "apply_async", lambda *args, **options: sent.append(options))
    beat.apply_async(entry, producer=None, advance=False)  # what beat does when the entry is due
    assert sent, "beat sent nothing"
    return sent[0]


@pytest.mark.parametrize(("name", "expected"), [
    ("sweep-deadlines", 60), ("dispatch-due-outbox", 60), ("write-audit-checkpoint", 3600),
])
def test_what_beat_sends_expires_after_about_one_interval(monkeypatch, scheduler, name, expected):
    beat = scheduler()
    options = _sent_options(monkeypatch, beat, beat.schedule[name])

    assert options.get("expires") == expected, f"{name} is sent with options {options}: no expiry"


def test_a_report_the_dpo_moved_keeps_its_time_and_takes_its_expiry(monkeypatch, scheduler, dpo):
    # A row the DPO changed is not written over from config/celery.py; one changed before the expiry
    # reached the rows (or before beat first ran) must still get it at the next beat start.
    report_time_set(actor=actor_for_user(dpo), name="deadline-report-daily", hour=7, minute=30)

    beat = scheduler()

    # Beat loads a daily job's row in the hours around its time (django-celery-beat); load it now.
    entry = beat.Entry(PeriodicTask.objects.get(name="deadline-report-daily"), app=app)
    assert (entry.schedule.hour, entry.schedule.minute) == ({7}, {30})
    assert _sent_options(monkeypatch, beat, entry).get("expires") == DAY
