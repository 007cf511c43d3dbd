"""A database restored from a backup taken before the last signed checkpoint (a point-in-time recovery, a
replica promoted after losing its last minutes): the platform keeps writing from the restored head, and
the DPO must be told which entries the restore lost, not shown the new entries as the original ones. Once
the operators record the restore (`manage.py audit_restore_record`), checkpoints resume and every
verification names the loss instead of calling the chain intact. (From the operations review, "running it
at a bank".)"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from audit.checkpoints import RESTORES_FILE, checkpoint_dir, checkpoints_read
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.selectors import chain as selectors
from audit.services import audit_checkpoint_write, audit_record
from audit.tasks import verify_chain, write_checkpoint
from core.actors import Actor
from tests.audit.tampering import guards_lifted, reseal_with_the_key

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _write(n: int, *, at: datetime | None = None, tag: str = "") -> None:
    with transaction.atomic():
        for i in range(n):
            audit_record(action="core.token.issued", actor=SYSTEM, data={"tag": tag, "i": i},
                         now=at + timedelta(seconds=i) if at is not None else None)


def _restore_database_to(sequence: int) -> None:
    """What restoring the backup taken when entry #`sequence` was the newest leaves in the database."""
    last = AuditEntry.objects.get(sequence=sequence)
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence > %s", [sequence])
        cursor.execute("UPDATE audit_auditchainhead SET sequence = %s, last_hash = %s WHERE id = 1",
                       [last.sequence, last.entry_hash])


def _trail_checkpointed_then_restored_to_15(*, used: bool = True) -> None:
    _write(10, at=T0, tag="before")
    audit_checkpoint_write(now=T0 + HOUR)  # checkpoint: #10
    _write(5, at=T0 + HOUR + timedelta(minutes=5), tag="before")  # #11-#15: the backup is taken here
    _write(5, at=T0 + HOUR + timedelta(minutes=30), tag="lost")  # #16-#20
    audit_checkpoint_write(now=T0 + 2 * HOUR)  # checkpoint: #20
    _restore_database_to(15)
    if used:
        _write(3, at=T0 + 3 * HOUR, tag="after the restore")  # new #16-#18, written after the #20 checkpoint


def _trail_checkpointed_then_restored_to_15_then_used() -> None:
    _trail_checkpointed_then_restored_to_15()


def test_after_a_restore_the_new_entries_are_not_passed_off_as_the_checkpointed_ones():
    _trail_checkpointed_then_restored_to_15_then_used()

    result = audit_chain_verify()

    assert not result.valid
    # Before: 18 entries "checked", and "entries after #18 are missing": the DPO was told entries #19-#20
    # were lost and #16-#18 intact, while #16-#20 of the checkpointed trail are all gone and the three
    # entries now numbered #16-#18 were written an hour after a checkpoint that already covered #20.
    assert result.entries == 15
    assert "#16" in result.reason
    assert "restored to (or rewritten after) entry #15; entries #16 to #20" in result.reason
    assert (result.restored_to, result.lost_through) == (15, 20)


def test_after_a_restore_and_more_use_verification_names_where_the_trail_diverged():
    _trail_checkpointed_then_restored_to_15_then_used()
    _write(5, at=T0 + 4 * HOUR, tag="after the restore")  # new #19-#23: past the checkpointed #20

    result = audit_chain_verify()

    assert not result.valid
    # Before: "entry #20 differs from the checkpoint", with #16-#19 counted as intact.
    assert result.first_invalid == AuditEntry.objects.get(sequence=16).pk
    assert result.entries == 15


def test_a_restore_not_written_on_since_is_named_as_a_restore_too():
    _trail_checkpointed_then_restored_to_15(used=False)

    result = audit_chain_verify()

    assert not result.valid and "entries after #15 are missing" in result.reason
    assert (result.restored_to, result.lost_through) == (15, 20)
    with pytest.raises(CommandError, match="audit_restore_record"):
        call_command("verify_audit")


def test_until_the_restore_is_recorded_no_checkpoint_is_written():
    _trail_checkpointed_then_restored_to_15_then_used()

    assert write_checkpoint() is False
    assert [c.sequence for c in checkpoints_read().checkpoints] == [10, 20]


def test_the_recorded_restore_lets_checkpoints_resume_and_is_named_not_called_intact(capsys):
    _trail_checkpointed_then_restored_to_15_then_used()

    call_command("audit_restore_record", "--backup", "pg_basebackup 2026-12-01 02:10")

    said = capsys.readouterr().out
    assert "restored to entry #15" in said and "entries #16 to #20" in said
    (line,) = (checkpoint_dir() / RESTORES_FILE).read_text().splitlines()
    record = json.loads(line)
    assert record["restored_to"] == 15 and record["lost_through"] == 20 and record["signature"]
    assert record["restored_hash"] == AuditEntry.objects.get(sequence=15).entry_hash
    noted = AuditEntry.objects.get(action="audit.restore.recorded")
    assert noted.data == {
        "restored_to": 15, "lost_through": 20, "backup": "pg_basebackup 2026-12-01 02:10",
        # The window whose records were lost: after the backup's newest entry, until the platform wrote again.
        "lost_after": "2026-12-01T02:05:04+00:00", "lost_until": "2026-12-01T04:00:00+00:00",
    }

    assert write_checkpoint() is True  # the hourly job again
    anchors = checkpoints_read()
    assert [c.sequence for c in anchors.checkpoints] == [10, noted.sequence]
    assert [c.sequence for c in anchors.superseded] == [20]

    result = audit_chain_verify()
    assert result.valid and result.entries == noted.sequence
    assert [(r.restored_to, r.lost_through) for r in result.restores] == [(15, 20)]

    with pytest.raises(CommandError) as refused:  # the contract: exit 0 only for an intact chain
        call_command("verify_audit")
    said = str(refused.value)
    assert "NOT intact" in said and "the first lost entry is #16" in said and "Audit chain intact" not in said
    assert "restored to entry #15: entries #16 to #20" in said and "pg_basebackup" in said
    outcome = AuditEntry.objects.filter(action="audit.chain.verified").latest("sequence")
    assert outcome.data["restores"] == [
        {"restored_to": 15, "lost_through": 20, "recorded_at": record["written_at"]}
    ]


def test_the_nightly_check_after_the_restore_names_it_until_a_later_checkpoint_passes_it():
    _trail_checkpointed_then_restored_to_15_then_used()
    call_command("audit_restore_record")

    nightly = audit_chain_verify(since_checkpoint=True)  # from #10, the last checkpoint that binds
    assert nightly.valid and nightly.from_sequence == 10 and len(nightly.restores) == 1

    audit_checkpoint_write()
    later = audit_chain_verify(since_checkpoint=True)
    assert later.valid and later.restores == ()


def test_the_restored_entry_is_held_to_the_hash_the_restore_record_kept():
    _trail_checkpointed_then_restored_to_15_then_used()
    call_command("audit_restore_record")
    reseal_with_the_key(AuditEntry.objects.get(sequence=15))

    result = audit_chain_verify()

    assert not result.valid and "differs from the restore record" in result.reason


def test_an_entry_recorded_after_the_restore_record_under_a_restored_number_is_found():
    """A second restore, to before the first one's entry, not recorded: the entries written since are
    newer than the restore record that vouched for entry #15."""
    _trail_checkpointed_then_restored_to_15_then_used()
    call_command("audit_restore_record")
    _restore_database_to(12)
    _write(4, at=datetime.now(UTC) + HOUR, tag="after the second restore")

    result = audit_chain_verify()

    assert not result.valid and result.first_invalid == AuditEntry.objects.get(sequence=13).pk
    assert (result.restored_to, result.lost_through) == (12, 15)
    call_command("audit_restore_record")
    second = audit_chain_verify()
    assert second.valid
    assert [(r.restored_to, r.lost_through) for r in second.restores] == [(15, 20), (12, 15)]


def test_a_trail_written_on_within_minutes_of_the_checkpoint_is_recorded_from_the_backups_newest_entry():
    """Restored and written on two minutes after the checkpoint of #20: the new #16 cannot be told by its
    time; the check stops at #20, whose hash differs. The operators know the backup's newest entry."""
    _trail_checkpointed_then_restored_to_15(used=False)
    _write(6, at=T0 + 2 * HOUR + timedelta(minutes=2), tag="after the restore")  # new #16-#21

    result = audit_chain_verify()
    assert not result.valid and "#20 differs from the checkpoint" in result.reason
    with pytest.raises(CommandError, match="--through"):
        call_command("audit_restore_record")
    with translation.override("en"), pytest.raises(CommandError, match="up to entry #21 and break only"):
        call_command("audit_restore_record", "--through", "21")

    call_command("audit_restore_record", "--through", "15")

    after = audit_chain_verify()
    assert after.valid and [(r.restored_to, r.lost_through) for r in after.restores] == [(15, 20)]


def test_a_chain_that_checks_out_has_no_restore_to_record():
    _write(3)
    audit_checkpoint_write()

    with translation.override("en"), pytest.raises(CommandError, match="no restore to record"):
        call_command("audit_restore_record")
    assert not (checkpoint_dir() / RESTORES_FILE).exists()


def test_other_damage_is_not_recorded_as_a_restore():
    _write(6)
    audit_checkpoint_write()
    reseal_with_the_key(AuditEntry.objects.get(sequence=3))

    with translation.override("en"), pytest.raises(CommandError, match="not as a restore from a backup"):
        call_command("audit_restore_record")
    assert not (checkpoint_dir() / RESTORES_FILE).exists()
    assert not AuditEntry.objects.filter(action="audit.restore.recorded").exists()


def test_a_restore_record_edited_by_hand_fails_every_verification():
    _trail_checkpointed_then_restored_to_15_then_used()
    call_command("audit_restore_record")
    path = checkpoint_dir() / RESTORES_FILE
    record = json.loads(path.read_text())
    path.write_text(json.dumps({**record, "lost_through": 17}) + "\n")

    result = audit_chain_verify()

    assert not result.valid and "restores.jsonl line 1 does not carry a valid signature" in result.reason


def test_clocks_a_little_apart_are_no_restore():
    """Entry #3 stamped by a web node whose clock runs two minutes ahead of the worker that wrote the
    checkpoint, and of the node that wrote entry #4: within the tolerance. Ten minutes is not."""
    _write(2, at=T0)
    _write(1, at=T0 + timedelta(minutes=2))  # #3
    _write(1, at=T0)  # #4, the head
    audit_checkpoint_write(now=T0 + timedelta(seconds=30))

    assert audit_chain_verify().valid

    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET recorded_at = %s WHERE sequence = 3",
                       [T0 + timedelta(minutes=10)])
    entry = AuditEntry.objects.get(sequence=3)
    entry.entry_hash = ""  # re-sealed below as someone with the key would, so only its time is off
    reseal_with_the_key(entry, actor_label=entry.actor_label)
    result = audit_chain_verify()
    assert not result.valid and "entry #3 was recorded on" in result.reason


def test_the_api_and_the_trail_page_name_the_loss(api, auditor, client):
    _trail_checkpointed_then_restored_to_15_then_used()
    api.force_authenticate(auditor)
    broken = api.get("/api/v1/audit/verify/").json()
    assert broken["valid"] is False and (broken["restored_to"], broken["lost_through"]) == (15, 20)

    call_command("audit_restore_record", "--backup", "nightly dump")

    body = api.get("/api/v1/audit/verify/").json()
    assert body["valid"] is True
    assert [(r["restored_to"], r["lost_through"], r["backup"]) for r in body["restores"]] == [
        (15, 20, "nightly dump")
    ]
    client.force_login(auditor)
    with translation.override("en"):
        page = client.post(reverse("audit:trail"), {"verify": "full"}, follow=True).content.decode()
    assert "The audit chain checks out, but it is NOT intact" in page
    assert "The audit chain is intact" not in page
    assert "entries #16 to #20, which a checkpoint had recorded, were lost; the entries numbered" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel walk is PostgreSQL's")
def test_the_parallel_walk_finds_the_restore_as_the_serial_one(monkeypatch):
    monkeypatch.setattr(selectors, "PARALLEL_FROM", 0)
    _trail_checkpointed_then_restored_to_15_then_used()

    assert audit_chain_verify(workers=3) == audit_chain_verify()
    call_command("audit_restore_record", "--workers", "3")
    assert audit_chain_verify(workers=3) == audit_chain_verify()
    assert audit_chain_verify(workers=3).valid


def test_the_weekly_job_records_the_loss_for_the_documents():
    _trail_checkpointed_then_restored_to_15_then_used()
    call_command("audit_restore_record")

    assert verify_chain(full=True) is True

    outcome = AuditEntry.objects.filter(action="audit.chain.verified").latest("sequence")
    assert outcome.data["scope"] == "full" and outcome.data["restores"][0]["lost_through"] == 20
