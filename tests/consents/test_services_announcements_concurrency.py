"""The announcements job running twice at once (two workers, or beat's entry plus a re-enqueued run): each
announcement is sent once, and neither run fails on the ones the other already sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from consents.models import NoticeAnnouncement
from consents.services.announcement_runs import announcements_run_due
from integrations.models import OutboxMessage
from tests.concurrency import race
from tests.consents.factories import STAFF, grant, make_purpose, publish_notice
from tests.factories import make_subject

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_two_announcement_runs_at_once_both_finish_and_send_each_announcement_once():
    purposes = [make_purpose(f"marketing-{i}", effective_at=NOW - timedelta(days=30)) for i in "ab"]
    for purpose in purposes:
        for _ in range(3):
            grant(make_subject(), purpose, now=NOW - timedelta(days=5))
        publish_notice(
            purpose.code, "v2", effective_at=NOW + timedelta(days=40), material=True, now=NOW, actor=STAFF
        )
    when = NOW + timedelta(days=10)
    outcomes = race([lambda: announcements_run_due(now=when)] * 2)

    # Neither run fails: the second finds the announcements already sent and skips them.
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert sum(o["sent"] for o in outcomes) == 2 and sum(o["failed"] for o in outcomes) == 0
    assert set(NoticeAnnouncement.objects.values_list("status", flat=True)) == {"sent"}
    assert OutboxMessage.objects.filter(topic="consents.notice.announced").count() == 6
