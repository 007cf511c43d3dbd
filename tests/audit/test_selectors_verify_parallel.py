"""verify_audit splits a long chain between worker processes on PostgreSQL (issue #16): the result
is the one the serial walk gives, for an intact chain and for every kind of damage, wherever the
damage falls against the stretches' borders."""
from __future__ import annotations

import pytest
from django.db import connection, transaction

from audit.checkpoints import ArchiveRecord, archive_record_append
from audit.hashing import UNKEYED, entry_digest
from audit.models import AuditChainHead, AuditEntry
from audit.selectors import audit_chain_verify
from audit.selectors import chain as selectors
from audit.services import audit_checkpoint_write, audit_record
from core.actors import Actor
from tests.audit.tampering import guards_lifted

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the parallel walk is PostgreSQL's"),
]
ENTRIES = 12
WORKERS = 3  # stretches 1-4, 4-8 and 8-12: each re-reads the last entry of the one before


@pytest.fixture(autouse=True)
def any_chain_is_long_enough(monkeypatch):
    monkeypatch.setattr(selectors, "PARALLEL_FROM", 0)


def _write() -> list[AuditEntry]:
    with transaction.atomic():
        return [
            audit_record(action="core.token.issued", actor=Actor.system("tests"), data={"i": i, "t": "ổ"})
            for i in range(ENTRIES)
        ]


def _both_ways():
    serial, parallel = audit_chain_verify(workers=1), audit_chain_verify(workers=WORKERS)
    assert parallel == serial
    return parallel


def test_an_intact_chain_is_walked_by_the_workers_and_counted_once():
    entries = _write()

    start = selectors._Walk(1, selectors.GENESIS_HASH)
    walk = selectors._walk_in_parallel(start, workers=WORKERS, batch_size=2, keyed_from=None, anchored={})
    result = _both_ways()

    assert (walk.checked, walk.next_sequence) == (ENTRIES, ENTRIES + 1)
    assert walk.prev_hash == entries[-1].entry_hash
    assert result.valid and result.entries == ENTRIES and result.head_hash == entries[-1].entry_hash


@pytest.mark.parametrize("sequence", [1, 4, 5, 8, 12])
def test_an_edited_entry_is_named_as_the_serial_walk_names_it(sequence):
    entries = _write()
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'x' WHERE sequence = %s", [sequence])

    result = _both_ways()

    assert not result.valid and result.first_invalid == entries[sequence - 1].pk


@pytest.mark.parametrize("sequence", [4, 5, 8])
def test_a_removed_entry_at_a_border_is_found(sequence):
    _write()
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = %s", [sequence])

    result = _both_ways()

    assert not result.valid and f"gap before #{sequence + 1}" in result.reason


def test_an_unkeyed_seal_after_keyed_ones_is_refused_across_a_border():
    entries = _write()
    # Entry 8 (the last of the middle stretch, the first the last one re-reads) re-sealed the old
    # way, with its successor relinked: only the order of the seals is wrong.
    forged = entries[7]
    forged.mac_key_id = UNKEYED
    forged.entry_hash = entry_digest(forged)
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET mac_key_id = '', entry_hash = %s WHERE sequence = 8",
                       [forged.entry_hash])
        cursor.execute("UPDATE audit_auditentry SET prev_hash = %s WHERE sequence = 9", [forged.entry_hash])

    result = _both_ways()

    assert not result.valid and "lacks the keyed seal" in result.reason
    assert result.first_invalid == forged.pk


def test_a_cut_tail_with_the_head_left_in_place_is_found():
    _write()
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence > 10")

    result = _both_ways()

    assert not result.valid and AuditChainHead.objects.get().sequence == ENTRIES


@pytest.mark.parametrize("edited", [None, 4, 9])
def test_the_chain_left_after_an_archive_is_walked_by_the_workers_from_its_first_entry(edited):
    """Entries #1-#3 archived (docs/deployment.md): the first stretch starts at #4, linked to the hash of
    the archived #3 that the signed archive record kept; the checkpoint of #12 follows."""
    entries = _write()
    audit_checkpoint_write()
    archive_record_append(ArchiveRecord(
        through=3, through_hash=entries[2].entry_hash, month="", dump_sha256="0" * 64, written_at="",
    ))
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence <= 3")
        if edited:
            cursor.execute("UPDATE audit_auditentry SET actor_label = 'x' WHERE sequence = %s", [edited])

    result = _both_ways()

    assert result.from_sequence == result.archived_before == 4
    if edited:
        assert not result.valid and result.first_invalid == entries[edited - 1].pk
    else:
        assert result.valid and result.entries == ENTRIES - 3 and result.anchor_sequence == ENTRIES
