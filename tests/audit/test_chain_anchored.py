"""The audit trail against someone who can edit the database: keyed seals, signed checkpoints outside
it, entries from before the keyed seal, key rotation."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from audit.checkpoints import checkpoint_dir, checkpoints_read
from audit.hashing import GENESIS_HASH, UNKEYED, entry_digest, entry_seal
from audit.models import AuditChainHead, AuditEntry
from audit.selectors import audit_chain_last_full_check, audit_chain_verify
from audit.selectors import chain as selectors
from audit.services import audit_checkpoint_write, audit_record
from audit.tasks import verify_chain, write_checkpoint
from config.celery import app
from core.actors import Actor
from integrations.models import OutboxMessage
from tests.audit.tampering import guards_lifted, reseal_with_the_key

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
KEY_A = "audit-key-a-0123456789abcdefghijklmnop"
KEY_B = "audit-key-b-0123456789abcdefghijklmnop"


def _write(n: int) -> list[AuditEntry]:
    with transaction.atomic():
        return [audit_record(action="core.token.issued", actor=SYSTEM, data={"i": i}) for i in range(n)]


def _move_head(entry: AuditEntry | None) -> None:
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET sequence = %s, last_hash = %s WHERE id = 1",
                       [entry.sequence if entry else 0, entry.entry_hash if entry else GENESIS_HASH])


def _cut_from(sequence: int) -> None:
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence >= %s", [sequence])


def _rewrite_suffix(entries: list[AuditEntry], *, from_sequence: int, seal) -> list[AuditEntry]:
    """Delete entries from `from_sequence` on and insert them again with another actor, re-sealed."""
    _cut_from(from_sequence)
    previous = next(e for e in entries if e.sequence == from_sequence - 1)
    forged = []
    for original in (e for e in entries if e.sequence >= from_sequence):
        fields = [f.attname for f in AuditEntry._meta.concrete_fields if f.attname != "id"]
        entry = AuditEntry(**{name: getattr(original, name) for name in fields})
        entry.actor_label = "someone else"
        entry.prev_hash = previous.entry_hash
        seal(entry)
        entry.save(force_insert=True)
        forged.append(entry)
        previous = entry
    _move_head(previous)
    return forged


def _unkeyed(entry: AuditEntry) -> None:
    """What anyone can compute: the plain SHA-256 the trail used before the keyed seal."""
    entry.mac_key_id = UNKEYED
    entry.entry_hash = entry_digest(entry)


def test_the_database_refuses_to_move_the_head_back():
    _write(3)
    with pytest.raises(Exception, match="cannot move back"), transaction.atomic():
        AuditChainHead.objects.filter(pk=1).update(sequence=1)


def test_a_cut_tail_with_the_head_moved_back_is_found_by_the_checkpoint(api, auditor):
    entries = _write(6)
    audit_checkpoint_write()
    _cut_from(5)
    _move_head(entries[3])

    result = audit_chain_verify()

    assert not result.valid
    assert result.entries == 4
    assert "#6" in result.reason and "missing" in result.reason
    with pytest.raises(CommandError, match="missing"):
        call_command("verify_audit")
    api.force_authenticate(auditor)
    body = api.get("/api/v1/audit/verify/").json()
    assert body["valid"] is False and body["checkpoints"] == 1


def test_a_suffix_resealed_without_the_key_is_found_even_before_a_checkpoint():
    entries = _write(15)

    forged = _rewrite_suffix(entries, from_sequence=12, seal=_unkeyed)

    result = audit_chain_verify()
    assert not result.valid
    assert result.first_invalid == forged[0].pk
    assert result.entries == 11


def test_a_suffix_resealed_with_the_key_itself_is_found_by_the_checkpoint():
    entries = _write(15)
    audit_checkpoint_write()

    forged = _rewrite_suffix(entries, from_sequence=12, seal=entry_seal)

    result = audit_chain_verify()
    assert not result.valid
    assert result.first_invalid == forged[-1].pk  # the checkpointed entry #15 no longer matches
    assert "checkpoint" in result.reason


def test_entries_from_before_the_keyed_seal_keep_verifying_and_the_switch_over_holds():
    with transaction.atomic():
        previous = GENESIS_HASH
        for sequence in (1, 2, 3):  # as the trail wrote them before this release
            entry = AuditEntry(sequence=sequence, recorded_at=datetime(2026, 1, sequence, tzinfo=UTC),
                               actor_kind="system", actor_label="before", action="core.token.issued",
                               data={}, prev_hash=previous)
            _unkeyed(entry)
            entry.save(force_insert=True)
            previous = entry.entry_hash
        AuditChainHead.objects.update_or_create(pk=1, defaults={"sequence": 3, "last_hash": previous})
    keyed = _write(3)

    assert audit_chain_verify().valid
    audit_checkpoint_write()
    assert checkpoints_read().keyed_from == 4

    # Re-writing every keyed entry as unkeyed cannot pass for history from before the switch.
    forged = _rewrite_suffix([*AuditEntry.objects.order_by("sequence")], from_sequence=4, seal=_unkeyed)
    result = audit_chain_verify()
    assert not result.valid
    assert result.first_invalid == forged[0].pk
    assert keyed[0].mac_key_id != UNKEYED


def test_a_rotated_key_signs_new_entries_and_the_old_one_still_verifies(settings):
    settings.AUDIT_MAC_KEY = [KEY_A]
    old = _write(2)
    audit_checkpoint_write()

    settings.AUDIT_MAC_KEY = [KEY_B, KEY_A]
    new = _write(2)
    audit_checkpoint_write()

    assert old[0].mac_key_id != new[0].mac_key_id
    result = audit_chain_verify()
    assert result.valid and result.entries == 4 and result.checkpoints == 2

    settings.AUDIT_MAC_KEY = [KEY_B]  # dropped too early
    result = audit_chain_verify()
    assert not result.valid
    assert "does not carry a valid signature" in result.reason  # checkpoint #1 was signed with it


def test_checkpoints_are_appended_signed_and_a_forged_one_is_refused():
    _write(2)
    audit_checkpoint_write(now=datetime(2026, 11, 30, 10, 5, tzinfo=UTC))
    _write(1)
    audit_checkpoint_write(now=datetime(2026, 11, 30, 11, 5, tzinfo=UTC))

    path = checkpoint_dir() / "checkpoints-2026-11.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(c["sequence"], c["written_at"]) for c in lines] == [
        (2, "2026-11-30T10:05:00+00:00"), (3, "2026-11-30T11:05:00+00:00")
    ]
    assert all(c["signature"] and c["key_id"] for c in lines)

    forged = {**lines[-1], "sequence": 2}  # a later hand moving a checkpoint back
    with path.open("a") as file:
        file.write(json.dumps(forged) + "\n")
    result = audit_chain_verify()
    assert not result.valid
    assert "signature" in result.reason


def test_the_hourly_task_writes_a_checkpoint_and_mails_internal_audit(settings):
    settings.AUDIT_CHECKPOINT_EMAIL = ["internal.audit@bank.example"]
    _write(3)

    assert write_checkpoint() is True

    assert [c.sequence for c in checkpoints_read().checkpoints] == [3]
    mail = OutboxMessage.objects.get(topic="audit.checkpoint")
    assert json.loads(mail.payload)["context"]["sequence"] == 3
    entry = app.conf.beat_schedule["write-audit-checkpoint"]
    assert entry["task"] == "audit.write_checkpoint"
    assert entry["schedule"].minute == {5} and len(entry["schedule"].hour) == 24


def test_a_broken_chain_is_never_checkpointed_and_the_dpo_is_told():
    entries = _write(4)
    _cut_from(3)
    _move_head(entries[1])
    audit_checkpoint_write()  # nothing to contradict the cut yet: this one is checkpointed
    _cut_from(2)
    _move_head(entries[0])

    assert write_checkpoint() is False

    assert [c.sequence for c in checkpoints_read().checkpoints] == [2]
    assert AuditEntry.objects.filter(action="audit.chain.broken").exists()


def test_a_cut_tail_behind_a_head_left_in_place_is_found():
    _write(5)
    _cut_from(4)

    result = audit_chain_verify()

    assert not result.valid and "missing from the end" in result.reason


def test_entries_committed_during_the_scan_are_no_damage(monkeypatch):
    """The head row is read after the scan; a writer may have appended meanwhile."""
    _write(3)
    stream = selectors._chain_in_order
    monkeypatch.setattr(selectors, "_chain_in_order",
                        lambda batch_size, **kw: (e for e in stream(batch_size, **kw) if e.sequence <= 2))

    result = audit_chain_verify()

    assert result.valid and result.entries == 2


def test_the_audit_page_reports_a_cut_tail_and_the_checkpoints(client, auditor):
    entries = _write(4)
    audit_checkpoint_write()
    client.force_login(auditor)
    with translation.override("en"):
        intact = client.post(reverse("audit:trail"), {"verify": "full"}, follow=True).content.decode()
        _cut_from(3)
        _move_head(entries[1])
        broken = client.post(reverse("audit:trail"), {"verify": "full"}, follow=True).content.decode()

    assert "checked against 1 checkpoint" in intact
    assert "The audit chain is BROKEN: entries after #" in broken
    assert "None" not in broken


def test_a_key_replaced_instead_of_rotated_stops_the_start(settings):
    from audit.checks import check_audit_key_verifies_the_newest_entries as check

    settings.AUDIT_MAC_KEY = [KEY_A]
    _write(1)
    settings.AUDIT_MAC_KEY = [KEY_B]
    assert [error.id for error in check()] == ["audit.E001"]
    settings.AUDIT_MAC_KEY = [KEY_B, KEY_A]
    assert check() == []


def test_the_nightly_check_starts_at_the_last_checkpoint_and_the_weekly_one_reads_everything():
    entries = _write(6)
    audit_checkpoint_write()  # verifies and records entries 1..6; its head is #6
    more = _write(3)  # #7..#9 (the checkpoint wrote no entry of its own)

    since = audit_chain_verify(since_checkpoint=True)
    assert since.valid and since.entries == 4  # the checkpoint's head, then the three after it
    assert since.head_sequence == more[-1].sequence

    # An old entry changed by someone who also holds the key: only the full verification reads it.
    reseal_with_the_key(entries[1])
    assert audit_chain_verify(since_checkpoint=True).valid
    full = audit_chain_verify()
    assert not full.valid and full.first_invalid == entries[2].pk


def test_the_nightly_check_fails_when_the_checkpoint_head_changed_or_vanished():
    entries = _write(4)
    audit_checkpoint_write()
    _write(2)
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'x' WHERE id = %s", [entries[-1].pk])
    changed = audit_chain_verify(since_checkpoint=True)
    assert not changed.valid and changed.first_invalid == entries[-1].pk

    _cut_from(1)
    vanished = audit_chain_verify(since_checkpoint=True)
    assert not vanished.valid and "#4" in vanished.reason


def test_the_nightly_job_is_incremental_and_the_weekly_job_full():
    schedule = app.conf.beat_schedule
    assert schedule["verify-audit-chain"]["task"] == schedule["verify-audit-chain-full"]["task"]
    assert schedule["verify-audit-chain-full"]["kwargs"] == {"full": True}
    assert "kwargs" not in schedule["verify-audit-chain"]


def test_each_recorded_verification_says_whether_it_read_the_whole_chain():
    """The weekly job's outcome is what a document can cite as "the whole chain last verified": the
    entry it records says so, the nightly one (from the last checkpoint) says it is not."""
    _write(3)
    verify_chain(full=True)
    full = audit_chain_last_full_check()
    assert full is not None and full.action == "audit.chain.verified"
    assert full.data["scope"] == "full" and full.data["from_sequence"] == 1
    assert full.data["head_sequence"] == full.sequence - 1  # everything written before the outcome

    audit_checkpoint_write()
    verify_chain()  # nightly: from the checkpoint's head on
    nightly = AuditEntry.objects.filter(action="audit.chain.verified").order_by("-sequence").first()
    assert nightly.data["scope"] == "since_checkpoint"
    assert audit_chain_last_full_check() == full


def test_the_last_full_check_is_the_latest_whole_chain_outcome_broken_or_not():
    assert audit_chain_last_full_check() is None
    entries = _write(3)
    verify_chain(full=True)
    reseal_with_the_key(entries[1])
    verify_chain(full=True)
    broken = audit_chain_last_full_check()
    assert broken.action == "audit.chain.broken" and broken.data["scope"] == "full"
    assert broken.data["first_invalid"] == entries[2].pk
    # Outcomes recorded after a given moment are left out: a document built for that moment.
    assert audit_chain_last_full_check(until=broken.recorded_at) == broken
    earlier = AuditEntry.objects.filter(action="audit.chain.verified").get()
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET recorded_at = %s WHERE id = %s",
                       [datetime(2030, 1, 1, tzinfo=UTC), broken.pk])
    assert audit_chain_last_full_check(until=datetime(2029, 1, 1, tzinfo=UTC)) == earlier
