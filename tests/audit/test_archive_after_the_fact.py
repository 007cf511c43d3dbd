"""An archive made under the old runbook, before archive records existed: the oldest entries are gone, so
no record can be computed from them. `manage.py audit_archive_record --already-archived` records one from
the chain that is left (the first entry's prev_hash and sequence), signed like the others and marked
"recorded after the fact, not computed from the archived entries"; the whole-chain check, the API, the
trail page, `verify_audit` and the proof bundle say so. It refuses when nothing was archived or a record
already covers that point."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from audit.checkpoints import (
    ARCHIVES_FILE,
    ArchiveRecord,
    Checkpoint,
    checkpoint_append,
    checkpoint_dir,
    checkpoints_read,
)
from audit.hashing import canonical_json, mac, mac_key_id
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from tests.audit.tampering import archive_month, month_dumped
from tests.audit.test_chain_archived import JANUARY, _tamper, _trail, whole_chain_verified_on_the_trail_page
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db


def _archived_under_the_old_runbook() -> list[AuditEntry]:
    """The trail of test_chain_archived, its January (#1 to #4) dropped with no archive record."""
    entries = _trail()
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [4])
    return entries


def _recorded_after_the_fact(*args: str) -> None:
    with translation.override("en"):  # the refusals are translated; these tests read them in English
        call_command("audit_archive_record", "--already-archived", *args)


def test_an_old_archive_is_recorded_from_the_first_entry_left_and_the_chain_then_verifies(capsys):
    entries = _archived_under_the_old_runbook()
    assert not audit_chain_verify().valid

    _recorded_after_the_fact()

    [record] = checkpoints_read().archives  # signed: it reads back with a valid signature
    assert record.after_the_fact is True and record.signature
    assert (record.through, record.through_hash) == (4, entries[4].prev_hash)
    assert (record.month, record.dump_sha256) == ("", "")
    assert "recorded after the fact" in capsys.readouterr().out
    noted = AuditEntry.objects.get(action="audit.archive.recorded")
    assert noted.data == {"through": 4, "month": "", "dump_sha256": "", "after_the_fact": True}
    result = audit_chain_verify()
    assert result.valid, result.reason
    assert (result.from_sequence, result.archived_before, result.archive) == (5, 5, record)


def test_the_dump_of_the_old_archive_when_kept_is_recorded_by_its_sha256():
    dump = month_dumped(JANUARY)
    _archived_under_the_old_runbook()

    _recorded_after_the_fact("--dump", str(dump))

    assert checkpoints_read().archives[0].dump_sha256 == hashlib.sha256(dump.read_bytes()).hexdigest()


def test_the_api_verify_audit_and_the_trail_page_say_the_record_was_written_after_the_fact(
    api, auditor, client, capsys
):
    _archived_under_the_old_runbook()
    _recorded_after_the_fact()

    api.force_authenticate(auditor)
    body = api.get("/api/v1/audit/verify/").json()
    assert body["valid"] is True and body["from_sequence"] == 5
    assert body["archive"]["after_the_fact"] is True and body["archive"]["through"] == 4

    capsys.readouterr()
    call_command("verify_audit", workers=1)
    assert "recorded after the fact from the first entry left" in capsys.readouterr().out

    shown = whole_chain_verified_on_the_trail_page(client, auditor)
    assert 'data-testid="chain-intact"' in shown
    assert in_either_language(
        "A signed archive record says entries #1 to #%(through)s were archived. It was recorded after the "
        "fact, from the first entry left (the link it carries to the entry before it), not computed from the "
        "archived entries, which were already gone.", shown, through=4,
    )


def test_it_refuses_when_the_first_entry_left_is_the_chains_first():
    _trail()

    with pytest.raises(CommandError, match="Entry #1 begins the chain: no entry was archived"):
        _recorded_after_the_fact()

    assert not (checkpoint_dir() / ARCHIVES_FILE).exists()


def test_it_refuses_when_a_record_already_covers_that_point():
    _trail()
    archive_month(JANUARY)

    with pytest.raises(CommandError, match="A signed archive record already covers entries #1 to #4"):
        _recorded_after_the_fact()

    assert len(checkpoints_read().archives) == 1


def test_it_refuses_to_record_the_same_old_archive_twice():
    _archived_under_the_old_runbook()
    _recorded_after_the_fact()

    with pytest.raises(CommandError, match="A signed archive record already covers entries #1 to #4"):
        _recorded_after_the_fact()

    assert len(checkpoints_read().archives) == 1


def test_it_refuses_a_first_entry_left_the_checkpoints_do_not_hold():
    """#5, the first entry left, given another prev_hash: its seal no longer checks out."""
    _archived_under_the_old_runbook()
    _tamper("UPDATE audit_auditentry SET prev_hash = %s WHERE sequence = %s", ["a" * 64, 5])

    with pytest.raises(CommandError, match="Entry #5 cannot be recorded as the first entry after an archive"):
        _recorded_after_the_fact()

    assert not (checkpoint_dir() / ARCHIVES_FILE).exists()


def test_it_refuses_a_link_a_checkpoint_of_the_last_archived_entry_contradicts():
    _archived_under_the_old_runbook()
    checkpoint_append(Checkpoint(sequence=4, head_hash="b" * 64, written_at="2020-02-01T00:00:00+00:00",
                                 keyed_from=1), now=datetime(2020, 2, 1, tzinfo=UTC))

    with pytest.raises(CommandError, match="the checkpoint of 2020-02-01T00:00:00\\+00:00 recorded entry #4"):
        _recorded_after_the_fact()

    assert not (checkpoint_dir() / ARCHIVES_FILE).exists()


@pytest.mark.parametrize(("args", "refusal"), [
    (["--month", "2020-01"], "--already-archived takes neither --month nor --through"),
    (["--through", "4"], "--already-archived takes neither --month nor --through"),
])
def test_it_takes_no_end_of_its_own(args, refusal):
    _archived_under_the_old_runbook()

    with pytest.raises(CommandError, match=refusal):
        _recorded_after_the_fact(*args)


def test_an_archive_made_by_the_runbook_still_needs_its_dump():
    _trail()

    with pytest.raises(CommandError, match="--dump"):
        call_command("audit_archive_record", "--month", "2020-01")

    assert not (checkpoint_dir() / ARCHIVES_FILE).exists()


def test_the_mark_is_signed_so_it_cannot_be_dropped_or_added():
    _archived_under_the_old_runbook()
    _recorded_after_the_fact()
    path = checkpoint_dir() / ARCHIVES_FILE
    line = json.loads(path.read_text())

    unmarked = {name: value for name, value in line.items() if name != "after_the_fact"}
    for forged in ({**line, "after_the_fact": False}, unmarked):
        path.write_text(json.dumps(forged) + "\n")
        assert checkpoints_read().problem == "archives.jsonl line 1 does not carry a valid signature"


def test_a_record_signed_before_the_mark_existed_still_verifies(settings):
    """Records written by the release before this one were signed without `after_the_fact`."""
    entries = _trail()
    key = settings.AUDIT_MAC_KEY[0]
    content = {
        "through": 4, "through_hash": entries[3].entry_hash, "month": "2020-01", "dump_sha256": "0" * 64,
        "written_at": "2020-02-01T00:00:00+00:00", "key_id": mac_key_id(key),
    }
    line = {**content, "signature": mac(key.encode(), canonical_json(content))}
    (checkpoint_dir() / ARCHIVES_FILE).write_text(json.dumps(line) + "\n")
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [4])

    anchors = checkpoints_read()

    assert anchors.problem == ""
    [record] = anchors.archives
    assert record.after_the_fact is False
    assert replace(record, key_id="", signature="") == ArchiveRecord(**{
        k: v for k, v in content.items() if k != "key_id"
    })
    assert audit_chain_verify().valid
