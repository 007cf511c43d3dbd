"""The nightly purge of old e-mail and SMS bodies reads the messages still to empty, on the
`outbox_content_kept` partial index, not every message of the outbox: most of a large outbox is
already emptied (or webhooks, which are never emptied), and a scan would read all of it each night.
The plan is PostgreSQL's (the outbox is partitioned by month there); SQLite plans its own way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from integrations.models import OutboxMessage
from integrations.outbox import email_message
from integrations.outbox_retention import outbox_content_due, outbox_purge_delivered

pytestmark = pytest.mark.django_db


def _messages(count: int, *, kind: str, status: str, days_ago: int, emptied: bool, now) -> None:
    rows = [
        email_message(
            to="khach@example.vn", template="notifications/email/contact_changed", context={"n": n},
            dedupe_key=f"{kind}:{status}:{days_ago}:{emptied}:{n}", topic="test.topic", now=now, kind=kind,
        )
        for n in range(count)
    ]
    OutboxMessage.objects.bulk_create(rows)
    # Emptied by the purge the night they became due.
    erased_at = now - timedelta(days=days_ago - settings.OUTBOX_CONTENT_KEPT_DAYS) if emptied else None
    OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
        status=status, created_at=now - timedelta(days=days_ago), content_erased_at=erased_at
    )


def _plan_nodes(query) -> Iterator[dict]:
    pending = [json.loads(query.explain(format="json", analyze=True))[0]["Plan"]]
    while pending:
        node = pending.pop()
        yield node
        pending += node.get("Plans", [])


def _index_definition(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        return cursor.fetchone()[0]


def test_the_purge_reads_the_messages_still_kept_on_their_partial_index():
    if connection.vendor != "postgresql":
        pytest.skip("the plan of PostgreSQL is what is checked")
    now = timezone.now()
    kept_days = settings.OUTBOX_CONTENT_KEPT_DAYS
    _messages(1500, kind="email", status="sent", days_ago=kept_days + 60, emptied=True, now=now)
    _messages(500, kind="sms", status="sent", days_ago=kept_days + 40, emptied=True, now=now)
    _messages(300, kind="webhook", status="sent", days_ago=kept_days + 50, emptied=False, now=now)
    _messages(5, kind="email", status="sent", days_ago=kept_days + 2, emptied=False, now=now)
    _messages(2, kind="sms", status="cancelled", days_ago=kept_days + 3, emptied=False, now=now)
    _messages(20, kind="email", status="sent", days_ago=2, emptied=False, now=now)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OutboxMessage._meta.db_table}")

    due = outbox_content_due(cutoff=now - timedelta(days=kept_days)).values_list("pk", flat=True)
    scans = [
        node for node in _plan_nodes(due)
        if node.get("Relation Name", "").startswith(OutboxMessage._meta.db_table) and node["Actual Loops"]
    ]
    assert scans, "the outbox is not read"
    for scan in scans:
        assert scan["Node Type"] in {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}, scan
        index = scan.get("Index Name") or scan["Plans"][0]["Index Name"]
        assert "content_erased_at IS NULL" in _index_definition(index), (index, _index_definition(index))
    assert sum(scan["Actual Rows"] for scan in scans) == 7
    assert outbox_purge_delivered(now=now) == 7
