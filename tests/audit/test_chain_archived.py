"""The whole-chain verification after a month of the trail was archived by the runbook
(docs/deployment.md: detach the month's partition, dump it with its checkpoint files, drop it): it
begins where the trail in the database begins, anchored on a signed checkpoint, and still finds an
edited entry, a gap, or entries removed where no checkpoint anchors the new beginning."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

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
    assert result.entries == 5 and result.head_sequence == entries[-1].sequence
    assert result.from_sequence == 5 and result.archived_before == 5
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


def test_first_entries_removed_with_no_checkpoint_to_anchor_the_new_beginning_are_broken():
    _trail(checkpoints=False)
    archive_month(JANUARY)

    result = audit_chain_verify()

    assert not result.valid
    assert "#1 to #4 are missing" in result.reason and "no signed checkpoint" in result.reason
    with pytest.raises(CommandError, match="no signed checkpoint"):
        call_command("verify_audit", workers=1)


def test_entries_removed_past_the_last_checkpoint_head_are_broken():
    """The checkpoints record #4 and #7; removing #1 to #7 leaves #8 anchored by none of them."""
    entries = _trail()
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [7])

    result = audit_chain_verify()

    assert not result.valid
    assert "#1 to #7 are missing" in result.reason and "no signed checkpoint" in result.reason
    assert result.from_sequence == entries[7].sequence


def test_verify_audit_passes_after_an_archive_and_says_where_it_began(capsys):
    _trail()
    archive_month(JANUARY)

    call_command("verify_audit", workers=1)

    out = capsys.readouterr().out
    assert "Audit chain intact: 5 entries checked" in out
    assert "began from entry #5 (entries before it archived)" in out


def test_the_trail_page_says_the_check_began_after_the_archived_entries(client, auditor):
    _trail()
    archive_month(JANUARY)
    client.force_login(auditor)

    page = client.post(reverse("audit:trail"), {"verify": "full"}, follow=True).content.decode()

    shown = page[page.index('data-testid="verification"'):]
    assert 'data-testid="chain-intact"' in shown
    assert in_either_language(
        "Entries #%(first)s to #%(last)s were checked: the whole chain in the database, from entry "
        "#%(first)s (earlier entries archived), anchored on the checkpoint of entry #%(anchor)s.",
        shown, first=5, last=9, anchor=7,
    )
