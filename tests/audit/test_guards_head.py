"""The chain head row could not be moved back, but it could be deleted and inserted again at sequence 0,
after which every audited write failed on a duplicate sequence number; and a missing head row was
silently made again at 0 over existing entries. The database now refuses to delete it, and a writer that
finds it missing while entries exist stops with an error that says so."""
from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit.errors import AuditChainHeadMissing
from audit.models import AuditChainHead, AuditEntry
from audit.services import audit_record
from core.actors import Actor
from tests.audit.tampering import guards_lifted
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def test_the_database_refuses_to_delete_the_head_row():
    audit_record(action="core.token.issued", actor=SYSTEM)

    with pytest.raises(DatabaseError, match="chain head cannot be deleted"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditchainhead")

    assert AuditChainHead.objects.get(pk=1).sequence == AuditEntry.objects.get().sequence


def test_a_missing_head_row_over_existing_entries_is_not_started_again_at_zero():
    audit_record(action="core.token.issued", actor=SYSTEM)
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")

    with pytest.raises(AuditChainHeadMissing, match="head row is missing"), transaction.atomic():
        audit_record(action="core.token.issued", actor=SYSTEM)

    assert not AuditChainHead.objects.exists()
    assert AuditEntry.objects.count() == 1


def test_an_empty_trail_without_a_head_row_starts_at_one():
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")

    entry = audit_record(action="core.token.issued", actor=SYSTEM)

    assert entry.sequence == 1 and AuditChainHead.objects.get(pk=1).sequence == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite takes the write lock as a transaction starts: no race"
)
def test_a_writer_that_finds_no_head_while_another_starts_the_trail_joins_its_chain(monkeypatch):
    """CI saw it once among six concurrent first writers on PostgreSQL: one looked for the head row
    before another's first entry was committed, and looked for entries after, so it took the fresh trail
    for a head row deleted over existing entries and refused to write. The race is played here in order:
    the other writer commits the trail's first entry between this writer's two looks."""
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")
    real_select_for_update = AuditChainHead.objects.select_for_update
    looks = []

    class _LookedTooEarly:
        def filter(self, **lookup):
            return self

        def first(self):
            run_together([lambda: audit_record(action="core.token.issued", actor=SYSTEM)])
            return None

    def select_for_update(*args, **kwargs):
        looks.append(1)
        return _LookedTooEarly() if len(looks) == 1 else real_select_for_update(*args, **kwargs)

    monkeypatch.setattr(AuditChainHead.objects, "select_for_update", select_for_update)
    entry = audit_record(action="core.token.issued", actor=SYSTEM)

    assert entry.sequence == 2
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]
