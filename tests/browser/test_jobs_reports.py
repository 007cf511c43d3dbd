"""Deadline report and the DPO's schedule page in a real browser: the charts are drawn without
JavaScript, and the DPO moves the daily report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from core.roles import Role
from tests.factories import UserFactory, make_subject
from tests.jobs.factories import request_due
from tests.runs import BROWSER_FLOWS_ON_POSTGRESQL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_POSTGRESQL]


def test_dpo_reads_the_report_and_moves_the_daily_report(page, login, live_url):
    UserFactory(username="dpo_b", role=Role.DPO)
    subject = make_subject()
    request_due(subject, due_at=timezone.now() - timedelta(hours=1))
    request_due(subject, due_at=timezone.now() + timedelta(hours=3), type="delete")
    login(page, "dpo_b")

    page.goto(live_url("/en/portal/reports/deadlines/"))
    assert page.get_by_test_id("stat-open").inner_text() == "2"
    assert page.get_by_test_id("stat-overdue").inner_text() == "1"
    assert page.get_by_test_id("chart-backlog").locator("rect").count() >= 3  # two types, one overdue part
    assert page.get_by_test_id("chart-trend").is_visible()

    page.goto(live_url("/en/portal/schedules/"))
    row = page.get_by_test_id("report-times").locator("tr", has_text="Daily deadline report")
    row.locator("input[name=hour]").fill("7")
    row.locator("input[name=minute]").fill("45")
    row.get_by_role("button", name="Save").click()
    # The click may return before the answer replaces the page: wait for the message, not a snapshot.
    expect(page.locator("body")).to_contain_text("Report time saved")
    task = PeriodicTask.objects.get(name="deadline-report-daily")
    assert (task.crontab.hour, task.crontab.minute) == ("7", "45")
