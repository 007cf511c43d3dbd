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
