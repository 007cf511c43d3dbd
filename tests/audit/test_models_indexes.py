"""The audit trail's and the notifier's tables carry only the indexes a query uses: each index is
upkeep on every row written, and the expiry sweep writes 10,000 of each at once (issue #16)."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AuditEntry
from notifications.models import Notification


def _plain_indexes(model) -> list[tuple[str, ...]]:
    """The columns of each index that is neither the key nor a unique constraint, sorted."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return sorted(
        tuple(found["columns"])
        for found in constraints.values()
        if found["index"] and not found["unique"] and not found["primary_key"]
    )


@pytest.mark.django_db
def test_audit_entries_have_no_index_a_composite_one_already_serves():
    # Look-ups by action or subject use the (action, -sequence) and (subject_id, -sequence) indexes;
    # the action's own index serves prefixes ("consents."); nothing searches a hash by prefix.
    assert _plain_indexes(AuditEntry) == [
        ("action",),
        ("action", "sequence"),
        ("recorded_at",),
        ("subject_id", "sequence"),
    ]


@pytest.mark.django_db
def test_notifications_have_no_index_a_composite_one_already_serves():
    # The customer's inbox and unread count lead with the subject; keys are looked up whole.
    assert _plain_indexes(Notification) == [("subject_id",), ("subject_id", "created_at")]
