"""Two workers sweeping at the same moment send each reminder once (PostgreSQL: real concurrency)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection

from core.roles import Role
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach, DeadlineReminder
from integrations.models import OutboxMessage
from tests.concurrency import run_together
from tests.factories import make_subject
from tests.jobs.factories import NOW, request_due, staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_sweeps_remind_and_breach_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    officer = staff("anna", Role.OFFICER)
    staff("chi", Role.DPO)
    subject = make_subject()
    for hours in range(1, 21):
        request_due(subject, due_at=NOW + timedelta(hours=hours), assignee=officer)
    request_due(subject, due_at=NOW - timedelta(hours=1), assignee=officer)
    results = run_together([lambda: deadlines_sweep(now=NOW)] * 2)
    assert sum(r.reminders for r in results) == 20 and sum(r.breaches for r in results) == 1
    assert DeadlineReminder.objects.count() == 20 and DeadlineBreach.objects.count() == 1
    # Each item is listed in exactly one reminder e-mail, whichever sweep inserted it.
    listed = [
        item["label"]
        for message in OutboxMessage.objects.filter(topic="deadline.reminder")
        for item in json.loads(message.payload)["context"]["items"]
    ]
    assert len(listed) == len(set(listed)) == 20
    assert OutboxMessage.objects.filter(topic="deadline.breached").count() == 1
