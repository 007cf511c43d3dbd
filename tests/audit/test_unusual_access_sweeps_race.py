"""Two unusual-access sweeps at once (a beat fired twice, a sweep run by hand beside the scheduled one)
notice a staff member once. Each counts the looks without holding the audit chain head (every audit write
waits on it), then holds it while it reads who was already noticed and records (PostgreSQL: real row
locks). The test holds the head itself until both sweeps wait for it, so both have counted; let go, the
second must read what the first recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditChainHead, AuditEntry
from audit.services import audit_record_many, audit_unusual_access_sweep
from core.actors import actor_for_user
from tests.concurrency import held_in_other_connection, lock_waited_for, started_in_other_connection
from tests.factories import subjects_in_bulk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_sweeps_at_once_notice_a_staff_member_once(officer):
    now = timezone.now()
    with transaction.atomic():
        audit_record_many([
            {"action": "core.subject.viewed", "actor": actor_for_user(officer), "subject": subject,
             "target": subject, "data": {"context": "portal.detail", "revealed": False, "reason": ""},
             "now": now - timedelta(minutes=5)}
            for subject in subjects_in_bulk(settings.UNUSUAL_ACCESS_CUSTOMERS)
        ])

    with held_in_other_connection(AuditChainHead.objects.get(pk=1)) as let_go:
        sweeps = [started_in_other_connection(lambda: audit_unusual_access_sweep(now=now)) for _ in range(2)]
        assert lock_waited_for(until=lambda: False, count=2), "the sweeps did not both wait for the head"
        let_go()
    for thread, _ in sweeps:
        thread.join(60)

    assert sorted(out.get("value", out.get("error")) for _, out in sweeps) == [0, 1]
    assert AuditEntry.objects.filter(action="audit.access.unusual").count() == 1
