"""The DPO's pages: undelivered messages with "retry", reminder thresholds and report times."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler as _DatabaseScheduler

from audit.models import AuditEntry
from core.beat import CHANGED_BY_DPO, DatabaseScheduler
from deadlines.models import ReminderThreshold
from deadlines.schedules import report_times
from integrations.models import OutboxMessage
from integrations.outbox import outbox_enqueue_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def parked():
    message = outbox_enqueue_email(
        to="khach@example.vn",
        template="integrations/email/audit_chain_broken",
        context={},
        topic="test",
        dedupe_key="parked-1",
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="parked", attempts=8, last_error="mail error: X"
    )
    return message


def test_dpo_sees_parked_messages_masked_and_retries_one(client, dpo, parked):
    client.force_login(dpo)
    html = client.get("/en/portal/outbox/parked/").content.decode()
    assert "k***@example.vn" in html and "khach@example.vn" not in html
    response = client.post(f"/en/portal/outbox/parked/{parked.pk}/retry/")
    assert response.status_code == 302
    parked.refresh_from_db()
    assert (parked.status, parked.attempts) == ("pending", 0)
    assert AuditEntry.objects.filter(action="core.outbox.retried").count() == 1
    # A second click finds nothing parked: a message, not an error page.
    assert client.post(f"/en/portal/outbox/parked/{parked.pk}/retry/", follow=True).status_code == 200


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "auditor"])
def test_only_the_dpo_steers_the_jobs(client, request, role, parked):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/en/portal/outbox/parked/").status_code == 403
    assert client.post(f"/en/portal/outbox/parked/{parked.pk}/retry/").status_code == 403
    assert client.get("/en/portal/schedules/").status_code == 403


def test_dpo_adds_and_switches_thresholds(client, dpo):
    client.force_login(dpo)
    assert client.get("/en/portal/schedules/").status_code == 200
    client.post("/en/portal/schedules/", {"action": "add_threshold", "hours_before": "48"})
    assert ReminderThreshold.objects.get(hours_before=48).active
    six = ReminderThreshold.objects.get(hours_before=6)
    client.post("/en/portal/schedules/", {"action": "disable_threshold", "threshold": str(six.pk)})
    six.refresh_from_db()
    assert not six.active
    bad = client.post("/en/portal/schedules/", {"action": "add_threshold", "hours_before": "0"})
    assert bad.status_code == 200 and ReminderThreshold.objects.count() == 3
    assert AuditEntry.objects.filter(action="core.schedule.changed").count() == 2


def test_dpo_moves_the_daily_report_and_beat_keeps_it(client, dpo, monkeypatch):
    client.force_login(dpo)
    assert [r.hour for r in report_times()] == [8, 8, 8]
    client.post(
        "/en/portal/schedules/",
        {"action": "report_time", "name": "deadline-report-daily", "hour": "7", "minute": "30"},
    )
    task = PeriodicTask.objects.get(name="deadline-report-daily")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "7",
        "30",
        "Asia/Ho_Chi_Minh",
    )
    assert task.description == CHANGED_BY_DPO and task.kwargs == '{"kind": "daily"}'
    # Beat starting again copies config/celery.py's entries, except the one the DPO changed.
    from config.celery import app

    written = {}
    monkeypatch.setattr(_DatabaseScheduler, "update_from_dict", lambda self, mapping: written.update(mapping))
    DatabaseScheduler.update_from_dict(object.__new__(DatabaseScheduler), app.conf.beat_schedule)
    assert "deadline-report-daily" not in written
    assert {"sweep-deadlines", "deadline-report-weekly", "verify-audit-chain"} <= set(written)
    bad = client.post(
        "/en/portal/schedules/",
        {"action": "report_time", "name": "deadline-report-daily", "hour": "25", "minute": "0"},
    )
    assert bad.status_code == 200
