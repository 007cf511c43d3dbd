"""A weekly or monthly deadline report is sent once for its period, whatever day it runs: a run late
after downtime, or run again by hand the next day, reports the same week or month, so the DPO must not
receive it twice (two copies of one month's report to forward to the regulator)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsr.services.reporting import report_send
from integrations.models import OutboxMessage
from tests.jobs.factories import NOW, staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_a_report_run_again_the_next_day_is_not_sent_twice(kind):
    staff("chi", "dpo")
    report_send(kind=kind, now=NOW)
    report_send(kind=kind, now=NOW + timedelta(days=1))
    assert OutboxMessage.objects.filter(topic=f"report.deadlines.{kind}").count() == 1


def test_each_day_has_its_own_daily_report():
    staff("chi", "dpo")
    report_send(kind="daily", now=NOW)
    report_send(kind="daily", now=NOW + timedelta(days=1))
    assert OutboxMessage.objects.filter(topic="report.deadlines.daily").count() == 2
