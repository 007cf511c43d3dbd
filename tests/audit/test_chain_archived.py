"""The whole-chain verification after a month of the trail was archived by the runbook
(docs/deployment.md: dump the month, record the archive with `audit_archive_record`, detach the month's
partition and drop it): it begins where the trail in the database begins, linked to the hash the signed
archive record kept, and still finds an edited entry, a gap, or first entries removed where no archive
record says an archive ended."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from audit.checkpoints import ARCHIVES_FILE, checkpoint_dir
from audit.models import AuditEntry
from audit.selectors import audit_chain_last_full_check, audit_chain_verify
from audit.services import audit_checkpoint_write, audit_record
from audit.tasks import verify_chain
from core.actors import Actor
from tests.audit.tampering import archive_month, guards_lifted, month_partitions_made, reseal_with_the_key
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
JANUARY, FEBRUARY = date(2020, 1, 1), date(2020, 2, 1)


def _write(month: date, days: range) -> list[AuditEntry]:
    with transaction.atomic():
        return [
            audit_record(action="core.token.issued", actor=SYSTEM, data={"day": day},
                         now=datetime(month.year, month.month, day, 9, tzinfo=UTC))
            for day in days
        ]


def _trail(*, checkpoints: bool = True) -> list[AuditEntry]:
    """#1-#4 in January, #5-#9 in February; checkpoints at the end of January (head #4) and on
    7 February (head #7)."""
    month_partitions_made(JANUARY, months=2)
    entries = _write(JANUARY, range(1, 5))
    if checkpoints:
        audit_checkpoint_write(now=datetime(2020, 1, 31, 23, 5, tzinfo=UTC))
    entries += _write(FEBRUARY, range(1, 4))
    if checkpoints:
        audit_checkpoint_write(now=datetime(2020, 2, 7, 10, 5, tzinfo=UTC))
    return entries + _write(FEBRUARY, range(8, 10))


def _tamper(sql: str, params: list) -> None:
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_archived_month_leaves_the_rest_of_the_chain_intact_and_says_where_the_check_began():
    entries = _trail()
    archive_month(JANUARY)
    assert not AuditEntry.objects.filter(sequence__lte=4).exists()

    result = audit_chain_verify()

    assert result.valid, result.reason
    # #5 to #9, and #10: the archive record noted in the trail.
    assert result.entries == 6 and result.head_sequence == entries[-1].sequence + 1
    assert AuditEntry.objects.get(sequence=10).action == "audit.archive.recorded"
    assert result.from_sequence == 5 and result.archived_before == 5
    assert result.archive_month == "2020-01" and result.archive_recorded_at
    assert (result.anchor_sequence, result.anchor_written_at) == (7, "2020-02-07T10:05:00+00:00")
    assert result.from_checkpoint_at == ""  # the whole chain in the database, not "since the checkpoint"


def test_the_recorded_outcome_is_a_whole_chain_check_from_the_first_entry_left():
    _trail()
    archive_month(JANUARY)

    assert verify_chain(full=True) is True

    outcome = audit_chain_last_full_check()
    assert outcome.action == "audit.chain.verified"
    assert outcome.data["scope"] == "full"
    assert outcome.data["from_sequence"] == 5 and outcome.data["archived_before"] == 5
    assert outcome.data["head_sequence"] == outcome.sequence - 1


def test_an_entry_edited_after_the_archive_boundary_is_named():
    entries = _trail()
    archive_month(JANUARY)
    _tamper("UPDATE audit_auditentry SET actor_label = 'x' WHERE id = %s", [entries[5].pk])  # #6

    result = audit_chain_verify()

    assert not result.valid
    assert result.first_invalid == entries[5].pk and "#6" in result.reason


def test_the_entries_before_the_anchoring_checkpoint_are_held_by_their_links():
    """#5 and #6 come before the checkpoint's head #7: re-sealed with the key, #5 still fails at the
    link of #6, which the checkpoint's hash of #7 pins."""
    entries = _trail()
    archive_month(JANUARY)
    reseal_with_the_key(entries[4])  # #5, the first entry left

    result = audit_chain_verify()

    assert not result.valid
    assert result.first_invalid == entries[5].pk and "not linked" in result.reason


def test_an_entry_removed_after_the_archive_boundary_is_a_gap():
    entries = _trail()
    archive_month(JANUARY)
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[7].pk])  # #8

    result = audit_chain_verify()

    assert not result.valid
    assert result.first_invalid == entries[8].pk and "gap before #9" in result.reason


def test_the_runbook_cannot_record_an_archive_no_signed_checkpoint_holds_to_the_chain():
    _trail(checkpoints=False)

    with pytest.raises(CommandError, match="no signed checkpoint records entry #4 or a later one"):
        archive_month(JANUARY)

    assert not (checkpoint_dir() / ARCHIVES_FILE).exists()
    assert AuditEntry.objects.filter(sequence__lte=4).count() == 4


def test_first_entries_removed_with_no_checkpoint_and_no_archive_record_are_broken():
    _trail(checkpoints=False)
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [4])

    result = audit_chain_verify()

    assert not result.valid
    assert "#1 to #4 are missing" in result.reason and "no archive record" in result.reason
    with pytest.raises(CommandError, match="no archive record"):
        call_command("verify_audit", workers=1)


def test_entries_removed_past_the_last_checkpoint_head_are_broken():
    """The checkpoints record #4 and #7; removing #1 to #7, with no archive record, is damage."""
    entries = _trail()
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [7])

    result = audit_chain_verify()

    assert not result.valid
    assert "#1 to #7 are missing" in result.reason and "no archive record" in result.reason
    assert result.from_sequence == entries[7].sequence


def test_verify_audit_passes_after_an_archive_and_says_where_it_began(capsys):
    _trail()
    archive_month(JANUARY)

    call_command("verify_audit", workers=1)

    out = capsys.readouterr().out
    assert "Audit chain intact: 6 entries checked" in out
    assert "began from entry #5 (entries before it archived)" in out
    assert "the signed archive record of " in out
    assert "says entries #1 to #4 were archived (month 2020-01)" in out


def whole_chain_verified_on_the_trail_page(client, user) -> str:
    """The trail page's verification result once `user` pressed "Verify the whole chain"."""
    client.force_login(user)
    page = client.post(reverse("audit:trail"), {"verify": "full"}, follow=True).content.decode()
    return page[page.index('data-testid="verification"'):]


def test_the_trail_page_says_the_check_began_after_the_archived_entries(client, auditor):
    _trail()
    archive_month(JANUARY)

    shown = whole_chain_verified_on_the_trail_page(client, auditor)

    assert 'data-testid="chain-intact"' in shown
    assert in_either_language(
        "Entries #%(first)s to #%(last)s were checked: the whole chain in the database, from entry "
        "#%(first)s (earlier entries archived), anchored on the checkpoint of entry #%(anchor)s.",
        shown, first=5, last=11, anchor=7,  # the 10 written and the auditor's request for the check
    )
    assert in_either_language(
        "A signed archive record says entries #1 to #%(through)s were archived, the last of them in "
        "%(month)s.", shown, through=4, month="2020-01",
    )


def test_oldest_entries_deleted_without_an_archive_record_are_broken_though_checkpoints_follow():
    """Checkpoints are written every hour, so one always follows the first entries: deleting them is
    damage unless a signed archive record says the runbook archived exactly them."""
    entries = _trail()
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [4])

    result = audit_chain_verify()

    assert not result.valid
    assert "#1 to #4 are missing" in result.reason and "no archive record" in result.reason
    assert result.from_sequence == result.archived_before == entries[4].sequence
