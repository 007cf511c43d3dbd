"""`core.db.bulk_insert`: new rows as `bulk_create` writes them (COPY on PostgreSQL), Django's errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.db import bulk_insert
from integrations.models import OutboxMessage
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


def test_values_are_prepared_where_preparing_changes_them():
    """Encrypted text is written encrypted, an `auto_now_add` time is stamped, a naive time is made
    aware (with Django's warning) and a JSON null stays JSON: only values that preparing would leave
    as they are go to the database unprepared."""
    subject = make_subject()
    now = timezone.now()
    naive = datetime(2026, 12, 1, 9, 30)  # noqa: DTZ001 - the naive value under test
    message = OutboxMessage(
        kind=OutboxMessage.Kind.EMAIL, topic="tests.bulk", destination="khach@example.test",
        payload='{"template": "x"}', dedupe_key="bulk:prepared", subject_id=subject.pk, next_attempt_at=naive,
    )
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        bulk_insert([message])
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.destination, stored.payload) == ("khach@example.test", '{"template": "x"}')
    assert stored.next_attempt_at == timezone.make_aware(naive)
    assert stored.created_at >= now and stored.attempts == 0 and stored.endpoint_id is None
    with connection.cursor() as cursor:
        key = OutboxMessage._meta.pk.get_db_prep_value(message.pk, connection)
        cursor.execute(f"SELECT destination FROM {OutboxMessage._meta.db_table} WHERE id = %s", [key])
        assert "khach@example.test" not in cursor.fetchone()[0]
