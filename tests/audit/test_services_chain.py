"""The audit chain: gapless, hash-linked, append-only, and tampering is found and named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.actions import UnknownAuditAction
from audit.hashing import GENESIS_HASH
from audit.models import AppendOnlyError, AuditEntry
from audit.selectors import audit_chain_last_full_check, audit_chain_verify
from audit.services import audit_record
from core.actors import Actor
from tests.audit.tampering import guards_lifted, reseal_with_the_key
from tests.concurrency import run_together

SYSTEM = Actor.system("tests")


def _write(n: int) -> list[AuditEntry]:
    with transaction.atomic():
        return [audit_record(action="core.token.issued", actor=SYSTEM, data={"i": i}) for i in range(n)]


@pytest.mark.django_db
def test_entries_are_numbered_without_gaps_and_linked_by_hash():
    entries = _write(5)

    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries[:-1], entries[1:], strict=True))
    assert audit_chain_verify().valid


@pytest.mark.django_db
def test_unknown_action_names_are_refused():
    with pytest.raises(UnknownAuditAction):
        audit_record(action="core.subject.teleported", actor=SYSTEM)


@pytest.mark.django_db
def test_the_orm_refuses_updates_and_deletes():
    entry = _write(1)[0]
    entry.action = "core.subject.viewed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update():
    entry = _write(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry.pk])


@pytest.mark.django_db
def test_the_database_refuses_a_raw_delete():
    entry = _write(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def _tamper(sql: str, params: list) -> None:
    """What a DBA with owner rights could do: lift the guards, edit, put the guards back."""
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_a_raw_sql_edit_is_detected_and_named(api, auditor):
    entries = _write(6)
    target = entries[3]
    _tamper("UPDATE audit_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', target.pk])

    result = audit_chain_verify()
    assert not result.valid
    assert result.first_invalid == target.pk
    assert result.entries == 3

    with pytest.raises(CommandError, match=f"id={target.pk}"):
        call_command("verify_audit")

    api.force_authenticate(auditor)
    body = api.get("/api/v1/audit/verify/").json()
    assert body["valid"] is False
    assert body["first_invalid"] == target.pk


@pytest.mark.django_db
def test_a_removed_entry_is_detected():
    entries = _write(4)
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])

    result = audit_chain_verify()

    assert not result.valid
    assert result.first_invalid == entries[2].pk


@pytest.mark.django_db
def test_verify_audit_command_counts_an_intact_chain(capsys):
    _write(3)
    call_command("verify_audit")
    assert "3 entries checked" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_audit_records_its_outcome_as_a_check_of_the_whole_chain(capsys):
    """Recorded as the weekly job records it, so the proof bundle can cite the operator's run."""
    _write(3)
    assert audit_chain_last_full_check() is None
    call_command("verify_audit", workers=1)
    assert "3 entries checked" in capsys.readouterr().out
    recorded = audit_chain_last_full_check()
    assert recorded is not None and recorded.action == "audit.chain.verified"
    assert recorded.actor_kind == "system" and recorded.actor_label == "verify_audit"
    assert recorded.data["scope"] == "full" and recorded.data["entries"] == 3
    assert recorded.data["head_sequence"] == 3 and recorded.sequence == 4


@pytest.mark.django_db
def test_verify_audit_records_a_broken_chain_before_it_fails():
    entries = _write(4)
    reseal_with_the_key(entries[1])
    with pytest.raises(CommandError, match=f"id={entries[2].pk}"):
        call_command("verify_audit", workers=1)
    broken = audit_chain_last_full_check()
    assert broken is not None and broken.action == "audit.chain.broken"
    assert broken.data["scope"] == "full" and broken.data["first_invalid"] == entries[2].pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_or_gap_the_chain():
    writers, per_writer = 6, 15

    def write():
        for i in range(per_writer):
            with transaction.atomic():
                audit_record(action="core.token.issued", actor=SYSTEM, data={"i": i})

    run_together([write] * writers)
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, writers * per_writer + 1))
    assert audit_chain_verify().valid


@pytest.mark.django_db
def test_an_entry_written_with_a_local_time_still_verifies():
    """Services pass `now=` as they got it, often in Hà Nội time; the database gives the time back in UTC,
    so a seal over the local spelling of the same instant would read as altered on every verification."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with transaction.atomic():
        audit_record(action="core.token.issued", actor=SYSTEM, now=local)
    result = audit_chain_verify()
    assert result.valid, result.reason
    assert AuditEntry.objects.get().recorded_at == local
