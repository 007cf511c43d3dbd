"""The sign-in log (django-axes: username, address and browser of each sign-in) is kept
SIGN_IN_LOG_KEPT_DAYS, then the nightly purge deletes it (docs/operations.md, `purge-sign-in-logs`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.utils import timezone

from accounts.services import sign_in_logs_purge
from accounts.tasks import purge_sign_in_logs
from audit.models import AuditEntry
from config.celery import app

pytestmark = pytest.mark.django_db


def _logs(now, *, days_ago):
    at = now - timedelta(days=days_ago)
    fields = {"username": f"kh-{days_ago}", "ip_address": "203.0.113.7", "user_agent": "iPhone"}
    # `attempt_time` is set on insert whatever is given: dated afterwards.
    AccessLog.objects.filter(pk=AccessLog.objects.create(**fields).pk).update(attempt_time=at)
    failure = AccessFailureLog.objects.create(locked_out=False, **fields)
    AccessFailureLog.objects.filter(pk=failure.pk).update(attempt_time=at)


def test_the_nightly_purge_deletes_sign_ins_older_than_the_retention_period(settings):
    settings.SIGN_IN_LOG_KEPT_DAYS = 90
    now = timezone.now()
    _logs(now, days_ago=91)
    _logs(now, days_ago=89)

    assert sign_in_logs_purge(now=now) == 2

    assert set(AccessLog.objects.values_list("username", flat=True)) == {"kh-89"}
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {"kh-89"}
    entry = AuditEntry.objects.get(action="core.sign_in_log.purged")
    assert entry.data["count"] == 2 and "kh-91" not in str(entry.data)
    assert sign_in_logs_purge(now=now) == 0


def test_the_purge_runs_every_night():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert purge_sign_in_logs.name in scheduled
