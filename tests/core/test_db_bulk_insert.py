"""`core.db.bulk_insert`: new rows as `bulk_create` writes them (COPY on PostgreSQL), Django's errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.db import bulk_insert
from notifications.models import Channel, Notification, NotificationAttempt
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _notification(subject, key: str, *, now) -> Notification:
    return Notification(
        subject=subject,
        topic="tests.bulk",
        # What COPY's text format must escape (tab, newline, backslash), and quotes and Vietnamese.
        template='tests/"quoted"\tback\\slash\nline, tiếng Việt',
        context='{"a": "b"}',
        language="vi",
        dedupe_key=key,
        channels=[Channel.EMAIL, Channel.INBOX],
        channel=Channel.INBOX,
        created_at=now,
        delivered_at=now + timedelta(seconds=1),
    )


def test_rows_read_back_exactly_as_written():
    subject = make_subject()
    now = timezone.now()
    notifications = [_notification(subject, f"bulk:{n}", now=now) for n in range(3)]
    bulk_insert(notifications)
    bulk_insert(
        [
            NotificationAttempt(notification=n, channel=Channel.INBOX, created_at=now, finished_at=now)
            for n in notifications
        ]
    )
    bulk_insert([])

    stored = Notification.objects.get(pk=notifications[1].pk)
    assert stored.subject_id == subject.pk
    assert (stored.template, stored.context) == (notifications[1].template, '{"a": "b"}')
    assert stored.channels == [Channel.EMAIL, Channel.INBOX]
    assert (stored.created_at, stored.delivered_at, stored.read_at) == (now, now + timedelta(seconds=1), None)
    assert stored.status == Notification.Status.PENDING
    attempts = NotificationAttempt.objects.filter(notification__in=notifications)
    assert sorted(a.notification_id for a in attempts) == sorted(n.pk for n in notifications)


def test_a_duplicate_raises_djangos_integrity_error():
    subject = make_subject()
    now = timezone.now()
    bulk_insert([_notification(subject, "bulk:once", now=now)])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert([_notification(subject, "bulk:once", now=now)])
    assert Notification.objects.filter(dedupe_key="bulk:once").count() == 1
