"""Announcements that keep failing: they do not hold back the ones behind them, each failure is recorded
with a growing wait before the next attempt, and after `ATTEMPTS_BEFORE_PARKING` the announcement waits
for the DPO ("needs attention") instead of being tried for ever."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from audit.models import AuditEntry
from consents.selectors import announcement_allowed_actions, announcements_failing
from consents.services import announcements as announcement_services
from consents.services.announcement_runs import (
    ATTEMPTS_BEFORE_PARKING,
    announcement_failure_record,
    announcement_retry,
    announcement_retry_wait,
    announcements_run_due,
)
from consents.services.announcements import announcement_send
from core.errors import Conflict, InvalidTransition
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, publish_notice
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HOUR = timedelta(hours=1)
notifier_working = announcement_services.notify_many


def announced(code: str, *, days_ahead: int, material: bool = True):
    """An announcement of a new version of a fresh purpose with one customer on its first version."""
    purpose = make_purpose(code, effective_at=NOW - timedelta(days=30))
    grant(make_subject(), purpose, now=NOW - timedelta(days=5))
    return publish_notice(
        code, "v2", effective_at=NOW + timedelta(days=days_ahead), material=material, now=NOW, actor=STAFF
    ).announcement


def failing_for(monkeypatch, *announcements, prefix: str = "announce"):
    """The notifier raises for these announcements' mailings (bad data: every time), with personal data
    in its message, as a driver's error may have."""
    notify_many = announcement_services.notify_many
    broken = {f"{prefix}:{a.pk}" for a in announcements}

    def notifier(chunk, **kwargs):
        if kwargs["dedupe_prefix"] in broken:
            raise ValueError("bad address nguyen.van.a@example.vn")
        return notify_many(chunk, **kwargs)

    monkeypatch.setattr(announcement_services, "notify_many", notifier)


def test_a_full_batch_that_always_fails_does_not_hold_back_the_announcement_behind_it(
    monkeypatch, django_capture_on_commit_callbacks
):
    # Two announcements due first whose mailing fails every time, one healthy one due after them, and a
    # batch of two: the hourly runs must still reach the healthy one.
    broken = [announced("marketing-a", days_ahead=40), announced("marketing-b", days_ahead=41)]
    healthy = announced("marketing-c", days_ahead=42)
    failing_for(monkeypatch, *broken)
    start = NOW + timedelta(days=12)
    with django_capture_on_commit_callbacks(execute=True):
        for hour in range(3):
            announcements_run_due(now=start + hour * HOUR, limit=2)
    healthy.refresh_from_db()
    assert healthy.status == "sent"
    assert OutboxMessage.objects.filter(dedupe_key__startswith=f"announce:{healthy.pk}:").count() == 1


def _entries(action: str) -> list[dict]:
    return list(AuditEntry.objects.filter(action=action).order_by("id").values_list("data", flat=True))


def test_a_failure_is_recorded_without_personal_data_and_the_next_attempt_waits(
    monkeypatch, django_capture_on_commit_callbacks
):
    announcement = announced("marketing-a", days_ahead=40)
    failing_for(monkeypatch, announcement)
    start = NOW + timedelta(days=12)
    assert announcements_run_due(now=start) == {"sent": 0, "asked": 0, "failed": 1}
    announcement.refresh_from_db()
    assert (announcement.status, announcement.attempts) == ("scheduled", 1)
    assert announcement.last_failed_at == start
    assert announcement.next_attempt_at == start + timedelta(minutes=5)
    # Its kind and where it came from, never the message with the customer's address.
    assert announcement.last_error.startswith(
        "ValueError at tests/consents/test_services_announcement_retries.py:"
    )
    assert "example.vn" not in announcement.last_error
    (entry,) = _entries("consents.announcement.attempt_failed")
    assert entry == {
        "purpose": "marketing-a",
        "version": "v2",
        "status": "scheduled",
        "attempts": 1,
        "error": announcement.last_error,
        "next_attempt_at": (start + timedelta(minutes=5)).isoformat(),
    }

    # While it waits the runs leave it alone; then they try it again and the wait doubles.
    assert announcements_run_due(now=start + timedelta(minutes=4)) == {"sent": 0, "asked": 0, "failed": 0}
    assert announcements_run_due(now=start + timedelta(minutes=5)) == {"sent": 0, "asked": 0, "failed": 1}
    announcement.refresh_from_db()
    assert announcement.attempts == 2
    assert announcement.next_attempt_at == start + timedelta(minutes=5 + 10)
    waits = [announcement_retry_wait(n) for n in range(1, 9)]
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40, 80, 160, 320, 360)]

    # Fixed: the next attempt sends it, and it starts the next step with no failure behind it.
    monkeypatch.setattr(announcement_services, "notify_many", notifier_working)
    with django_capture_on_commit_callbacks():
        assert announcements_run_due(now=start + HOUR)["sent"] == 1
    announcement.refresh_from_db()
    assert announcement.status == "sent"
    assert (announcement.attempts, announcement.last_error) == (0, "")
    assert (announcement.last_failed_at, announcement.next_attempt_at) == (None, None)


def test_a_database_error_in_the_step_is_recorded_too(monkeypatch):
    announcement = announced("marketing-a", days_ahead=40)

    def notifier_with_bad_sql(chunk, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(announcement_services, "notify_many", notifier_with_bad_sql)
    assert announcements_run_due(now=NOW + timedelta(days=12)) == {"sent": 0, "asked": 0, "failed": 1}
    announcement.refresh_from_db()
    assert announcement.attempts == 1
    assert announcement.last_error.split(" ")[0] in {"OperationalError", "ProgrammingError"}


def test_after_five_failures_in_a_row_it_waits_for_the_dpo_who_puts_it_back(
    monkeypatch, django_capture_on_commit_callbacks
):
    announcement = announced("marketing-a", days_ahead=40)
    failing_for(monkeypatch, announcement)
    start = NOW + timedelta(days=12)
    for hour in range(ATTEMPTS_BEFORE_PARKING):
        assert announcements_run_due(now=start + hour * HOUR)["failed"] == 1
    announcement.refresh_from_db()
    assert (announcement.status, announcement.attempts, announcement.next_attempt_at) == (
        "send_failed", 5, None
    )
    assert list(announcement.status_changes.values_list("from_status", "to_status")) == [
        ("scheduled", "send_failed")
    ]
    assert len(_entries("consents.announcement.attempt_failed")) == 4
    (parked,) = _entries("consents.announcement.parked")
    assert (parked["attempts"], parked["error"]) == (5, announcement.last_error)
    # No longer tried by the job, whenever it runs.
    assert announcements_run_due(now=start + timedelta(days=1)) == {"sent": 0, "asked": 0, "failed": 0}
    assert announcement_allowed_actions(announcement, STAFF) == {"retry"}
    assert announcements_failing() == {"parked": 1, "retrying": 0, "send_failed": 1, "ask_failed": 0}

    retried = announcement_retry(actor=STAFF, announcement_id=announcement.pk, now=start + timedelta(days=1))
    assert (retried.status, retried.attempts, retried.last_error) == ("scheduled", 0, "")
    assert list(announcement.status_changes.values_list("from_status", "to_status", "actor_label")) == [
        ("scheduled", "send_failed", "announcements"),
        ("send_failed", "scheduled", "officer_t"),
    ]
    (entry,) = _entries("consents.announcement.retried")
    assert (entry["attempts"], entry["error"]) == (5, parked["error"])
    assert announcement_allowed_actions(retried, STAFF) == {"send"}
    assert announcements_failing() == {"parked": 0, "retrying": 0, "send_failed": 0, "ask_failed": 0}
    with pytest.raises(Conflict) as refused:
        announcement_retry(actor=STAFF, announcement_id=announcement.pk)
    assert refused.value.code == "not_parked"

    monkeypatch.setattr(announcement_services, "notify_many", notifier_working)
    with django_capture_on_commit_callbacks():
        assert announcements_run_due(now=start + timedelta(days=1))["sent"] == 1


def test_a_fresh_consent_step_that_keeps_failing_is_parked_and_put_back_as_sent(
    monkeypatch, django_capture_on_commit_callbacks
):
    announcement = announced("marketing-a", days_ahead=40)
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=10))
    failing_for(monkeypatch, announcement, prefix="fresh")
    in_effect = NOW + timedelta(days=41)
    for hour in range(ATTEMPTS_BEFORE_PARKING):
        assert announcements_run_due(now=in_effect + hour * HOUR) == {"sent": 0, "asked": 0, "failed": 1}
    announcement.refresh_from_db()
    assert (announcement.status, announcement.customers_told) == ("ask_failed", 1)
    assert announcements_failing() == {"parked": 1, "retrying": 0, "send_failed": 0, "ask_failed": 1}
    # Told once: the DPO may put the step back, not send the notice again.
    assert announcement_allowed_actions(announcement, STAFF) == {"retry"}
    with pytest.raises(InvalidTransition):
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=in_effect)
    assert announcement_retry(actor=STAFF, announcement_id=announcement.pk).status == "sent"
    monkeypatch.setattr(announcement_services, "notify_many", notifier_working)
    with django_capture_on_commit_callbacks():
        done = announcements_run_due(now=in_effect + timedelta(days=1))
    assert done == {"sent": 0, "asked": 1, "failed": 0}
    assert OutboxMessage.objects.filter(topic="consents.notice.announced").count() == 1


def test_a_failure_is_not_written_on_an_announcement_another_run_moved_meanwhile(
    django_capture_on_commit_callbacks,
):
    announcement = announced("marketing-a", days_ahead=40)
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=10))
    moved = announcement_failure_record(
        actor=STAFF, announcement_id=announcement.pk, status="scheduled", error=ValueError("late")
    )
    assert (moved.status, moved.attempts) == ("sent", 0)
    assert not _entries("consents.announcement.attempt_failed")
