"""The signed archive record (`manage.py audit_archive_record`) binds the whole-chain check to where an
archive really ended: without one, missing first entries are a broken chain however many checkpoints
follow; with one through #N, exactly #1 to #N may be missing and #N+1 must link to the hash it kept."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from audit.checkpoints import (
    ARCHIVES_FILE,
    ArchiveRecord,
    archive_record_append,
    checkpoint_dir,
    checkpoints_read,
)
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_checkpoint_write
from tests.audit.tampering import month_dumped, reseal_with_the_key
from tests.audit.test_chain_archived import FEBRUARY, JANUARY, _tamper, _trail

pytestmark = pytest.mark.django_db


def _record(*args: str) -> str:
    dump = month_dumped(JANUARY)
    with translation.override("en"):  # the refusals are translated; these tests read them in English
        call_command("audit_archive_record", *args, "--dump", str(dump))
    return hashlib.sha256(dump.read_bytes()).hexdigest()


def _removed_through(sequence: int) -> None:
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [sequence])


def test_a_record_through_n_then_entries_1_to_n_removed_is_intact_and_says_so(capsys):
    entries = _trail()
    dump_sha256 = _record("--through", "4")
    _removed_through(4)

    result = audit_chain_verify()

    assert result.valid, result.reason
    assert (result.from_sequence, result.archived_before, result.archive_month) == (5, 5, "2020-01")
    assert result.entries == 6  # #5 to #9, and #10 noting the record
    [record] = checkpoints_read().archives
    assert (record.through, record.through_hash, record.month) == (4, entries[3].entry_hash, "2020-01")
    assert record.dump_sha256 == dump_sha256 and record.written_at == result.archive_recorded_at
    noted = AuditEntry.objects.get(sequence=10)
    assert noted.action == "audit.archive.recorded"
    assert noted.data == {"through": 4, "month": "2020-01", "dump_sha256": dump_sha256}
    call_command("verify_audit", workers=1)  # exit 0
    out = capsys.readouterr().out
    assert "Audit chain intact: 6 entries checked" in out
    assert "began from entry #5 (entries before it archived)" in out
    assert "says entries #1 to #4 were archived (month 2020-01)" in out


@pytest.mark.parametrize("removed", [7, 2])
def test_a_record_through_n_does_not_cover_other_first_entries_removed(removed):
    """Through #4 recorded: #1 to #7 removed (three more than archived), or #1 to #2 only."""
    _trail()
    _record("--month", "2020-01")
    _removed_through(removed)

    result = audit_chain_verify()

    assert not result.valid
    said = f"entries #1 to #{removed} are missing and no archive record says they were archived"
    assert said in result.reason
    assert "says entries #1 to #4 were archived" in result.reason


def test_without_a_record_verify_audit_exits_1_naming_the_missing_entries():
    _trail()
    _removed_through(4)

    with pytest.raises(CommandError, match=r"#1 to #4 are missing and no archive record") as error:
        call_command("verify_audit", workers=1)

    assert error.value.returncode == 1
    assert AuditEntry.objects.order_by("-sequence").first().action == "audit.chain.broken"


def _line_written(content: dict) -> None:
    path = checkpoint_dir() / ARCHIVES_FILE
    with path.open("a", encoding="utf-8") as archives:
        archives.write(json.dumps(content) + "\n")


def _record_of(entries, *, through: int, through_hash: str | None = None) -> ArchiveRecord:
    return ArchiveRecord(
        through=through, through_hash=through_hash or entries[through - 1].entry_hash, month="2020-01",
        dump_sha256="0" * 64, written_at=datetime(2020, 3, 1, tzinfo=UTC).isoformat(),
    )


@pytest.mark.parametrize("forgery", ["unsigned", "edited", "other key"])
def test_a_forged_record_breaks_the_chain(forgery, settings):
    entries = _trail()
    if forgery == "unsigned":
        _line_written(asdict(_record_of(entries, through=4)))
    elif forgery == "edited":  # a genuine record through #2, moved on to #4
        archive_record_append(_record_of(entries, through=2))
        genuine = json.loads((checkpoint_dir() / ARCHIVES_FILE).read_text())
        (checkpoint_dir() / ARCHIVES_FILE).unlink()
        _line_written({**genuine, "through": 4, "through_hash": entries[3].entry_hash})
    else:
        keys = settings.AUDIT_MAC_KEY
        settings.AUDIT_MAC_KEY = ["a-key-the-bank-never-had-0123456789abcdef"]
        archive_record_append(_record_of(entries, through=4))
        settings.AUDIT_MAC_KEY = keys
    _removed_through(4)

    result = audit_chain_verify()

    assert not result.valid
    assert result.reason == "checkpoint file: archives.jsonl line 1 does not carry a valid signature"


@pytest.mark.parametrize("wrong", ["other entry", "made up"])
def test_a_signed_record_whose_hash_the_first_entry_left_does_not_link_to_breaks_the_chain(wrong):
    entries = _trail()
    through_hash = entries[2].entry_hash if wrong == "other entry" else "f" * 64
    archive_record_append(_record_of(entries, through=4, through_hash=through_hash))
    _removed_through(4)

    result = audit_chain_verify()

    assert not result.valid
    assert result.first_invalid == entries[4].pk
    assert result.reason == "entry #5 is not linked to its predecessor"


def test_a_record_of_a_month_not_yet_dropped_leaves_the_chain_intact():
    """Recorded, dump taken, partition not yet dropped: nothing is missing."""
    _trail()
    _record("--month", "2020-01")

    result = audit_chain_verify()

    assert result.valid and result.from_sequence == 1 and result.archived_before == 0


def test_the_next_month_is_checked_against_its_own_record():
    """January then February archived: #10 (January's record noted) onwards must link to February's."""
    entries = _trail()
    _record("--month", "2020-01")
    _removed_through(4)
    audit_checkpoint_write(now=datetime(2020, 3, 1, 0, 5, tzinfo=UTC))
    dump = month_dumped(FEBRUARY)
    call_command("audit_archive_record", "--month", "2020-02", "--dump", str(dump))
    _removed_through(9)

    result = audit_chain_verify()

    assert result.valid, result.reason
    assert result.from_sequence == 10 and result.archive_month == "2020-02"
    assert checkpoints_read().last_archive.through_hash == entries[8].entry_hash


@pytest.mark.parametrize(("args", "refusal"), [
    (["--through", "3"], "Entry #4, recorded in 2020-01, comes after entry #3"),
    (["--month", "2020-02"], "Entries recorded before 2020-02 are still in the database"),
    (["--through", "99"], "Entry #99 is not in the database"),
    (["--month", "2019-12"], "No entry of 2019-12 is in the database"),
    (["--month", "January"], "--month takes a month as YYYY-MM"),
])
def test_the_command_refuses_an_end_the_month_partition_would_not_give(args, refusal):
    _trail()

    with pytest.raises(CommandError, match=refusal):
        _record(*args)

    assert not (checkpoint_dir() / ARCHIVES_FILE).exists()


def test_the_command_refuses_a_missing_dump_and_a_second_record_of_the_same_entries():
    _trail()
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("audit_archive_record", "--month", "2020-01", "--dump", "/nonexistent/audit.dump")
    _record("--month", "2020-01")

    with pytest.raises(CommandError, match="Entries #1 to #4 are already recorded as archived"):
        _record("--through", "4")

    assert len(checkpoints_read().archives) == 1


def test_the_command_refuses_a_hash_the_checkpoints_do_not_hold():
    """#4 re-sealed with the key after its checkpoint was written: its hash is not the chain's."""
    entries = _trail()
    reseal_with_the_key(entries[3])

    with pytest.raises(CommandError, match="entry #4 differs from the checkpoint of 2020-01-31"):
        _record("--month", "2020-01")

    assert not (checkpoint_dir() / ARCHIVES_FILE).exists()


def test_a_record_keeps_the_same_signature_a_checkpoint_has():
    entries = _trail()
    record = _record_of(entries, through=4)
    archive_record_append(record)

    [read] = checkpoints_read().archives

    assert replace(read, key_id="", signature="") == record and read.signature
