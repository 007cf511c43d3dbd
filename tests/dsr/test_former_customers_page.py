"""The DPO's page of former customers past retention says when the nightly job erases them: the time
beat runs it (its row, once beat has written it, else `config/celery.py`'s), not a time written into
the page."""

from __future__ import annotations

import pytest
from celery import current_app
from celery.schedules import crontab
from django_celery_beat.models import CrontabSchedule, PeriodicTask

pytestmark = pytest.mark.django_db

JOB = "erase-former-customers"


def _job_paragraph(client) -> str:
    page = client.get("/portal/requests/former-customers/").content.decode()
    return page.split('data-testid="former-customers-job">')[1].split("</p>")[0]


def test_the_page_gives_the_time_config_schedules_the_job(client, dpo, settings, monkeypatch):
    settings.FORMER_CUSTOMERS_ERASED_AFTER_RETENTION = True
    entry = {**current_app.conf.beat_schedule[JOB], "schedule": crontab(hour=3, minute=5)}
    monkeypatch.setitem(current_app.conf.beat_schedule, JOB, entry)
    client.force_login(dpo)

    assert "03:05" in _job_paragraph(client)


def test_the_page_gives_the_time_beat_runs_the_job(client, dpo, settings):
    settings.FORMER_CUSTOMERS_ERASED_AFTER_RETENTION = True
    at = CrontabSchedule.objects.create(hour="2", minute="15", timezone="Asia/Ho_Chi_Minh")
    PeriodicTask.objects.create(name=JOB, task="dsr.erase_former_customers", crontab=at)
    client.force_login(dpo)

    assert "02:15" in _job_paragraph(client)
