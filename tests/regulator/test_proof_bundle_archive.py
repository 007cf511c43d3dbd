"""The proof bundle's per-entry check of the customer's first entry left once the months before it were
archived (docs/deployment.md): its prev_hash points into the archived, dropped entries, so it is accepted
only where a signed archive record vouches for that link, by the rule the whole-chain check uses (the
record ends just before the first entry in the database and kept the hash it links to), and the bundle
says so; with no record, or one that does not vouch for it, the entry is flagged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.checkpoints import ArchiveRecord, archive_record_append, checkpoints_read
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_checkpoint_write, audit_record
from audit.tasks import verify_chain
from core.actors import Actor
from tests.audit.tampering import archive_month, month_partitions_made
from tests.audit.test_chain_archived import _tamper
from tests.factories import signed_in
from tests.pages import in_either_language
from tests.regulator.proof_history import VN, build_history
from tests.regulator.test_proof_bundle_content import _bundle

pytestmark = pytest.mark.django_db
JANUARY = date(2020, 1, 1)


@pytest.fixture
def history():
    """Entries #1 to #3 in January 2020 (not the customer's), then the customer's history from #4 on,
    its first entry the customer's creation; a checkpoint after it."""
    month_partitions_made(JANUARY, months=1)
    for day in (1, 2, 3):
        audit_record(action="core.token.issued", actor=Actor.system("tests"),
                     now=datetime(2020, 1, day, tzinfo=UTC))
    history = build_history()
    audit_checkpoint_write()
    assert AuditEntry.objects.get(sequence=4).subject_id == history.subject.pk
    return history


def _first_row(audit: dict) -> dict:
    row = audit["entries"][0]
    assert row["sequence"] == 4
    return row


def test_the_customers_first_entry_left_after_an_archive_is_vouched_for_by_the_archive_record(history):
    archive_month(JANUARY)
    [record] = checkpoints_read().archives
    assert audit_chain_verify().valid

    audit = _bundle(history)["audit"]

    row = _first_row(audit)
    assert row["check"] == "ok"
    assert row["linked_by_archive_record"] == {
        "through": 3, "through_hash": record.through_hash, "month": "2020-01",
        "dump_sha256": record.dump_sha256,
        "recorded_at": datetime.fromisoformat(record.written_at).astimezone(VN).isoformat(),
        "after_the_fact": False,
    }
    assert audit["verification"]["valid"] is True and audit["verification"]["problems"] == []
    assert "archive record" in audit["verification"]["checked"]
    assert all("linked_by_archive_record" not in later for later in audit["entries"][1:])


def test_the_printable_bundle_says_the_link_is_vouched_for_by_the_archive_record(history, dpo):
    archive_month(JANUARY)

    page = signed_in(dpo).post(
        reverse("regulator:proof_bundle", args=[history.subject.pk]),
        {"reason": "other", "note": "A05 inspection", "format": "html"},
    ).content.decode()

    row = page[page.index('data-sequence="4"'):]
    row = row[:row.index("</tr>")]
    assert "report__alert" not in row
    written = datetime.fromisoformat(checkpoints_read().archives[0].written_at).astimezone(VN)
    assert in_either_language(
        "Its link to entry #%(through)s, archived, is vouched for by the signed archive record of %(at)s.",
        row, through=3, at=written.strftime("%d/%m/%Y %H:%M"),
    ), row


def test_an_archive_recorded_after_the_fact_is_named_so_in_the_bundle(history, dpo):
    """January dropped under the old runbook, then recorded with `--already-archived`."""
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [3])
    call_command("audit_archive_record", "--already-archived")
    verify_chain(full=True)

    audit = _bundle(history, now=timezone.now())["audit"]

    row = _first_row(audit)
    assert row["check"] == "ok" and row["linked_by_archive_record"]["after_the_fact"] is True
    assert row["linked_by_archive_record"]["through"] == 3
    assert audit["full_chain_verification"]["result"] == "intact"
    assert audit["full_chain_verification"]["archive_recorded_after_the_fact"] is True
    page = signed_in(dpo).post(
        reverse("regulator:proof_bundle", args=[history.subject.pk]),
        {"reason": "other", "note": "A05 inspection", "format": "html"},
    ).content.decode()
    row = page[page.index('data-sequence="4"'):]
    assert in_either_language(
        "The archive record was written after the fact, from this entry's own link, not computed from the "
        "archived entries.", row[:row.index("</tr>")],
    )
    chain = page[page.index('data-testid="bundle-chain-verification"'):]
    assert in_either_language(
        "The archive record that check began after was written after the fact, from the first entry left, "
        "not computed from the archived entries.", chain[:chain.index("</p>")],
    )


def test_with_no_archive_record_the_first_entry_left_is_flagged(history):
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [3])

    audit = _bundle(history)["audit"]

    assert _first_row(audit)["check"] == "the entry before it is missing"
    assert "linked_by_archive_record" not in _first_row(audit)
    assert audit["verification"]["valid"] is False
    assert [problem["sequence"] for problem in audit["verification"]["problems"]] == [4]


def test_a_record_whose_hash_the_entry_does_not_link_to_does_not_vouch_for_it(history):
    archive_record_append(ArchiveRecord(
        through=3, through_hash="f" * 64, month="2020-01", dump_sha256="0" * 64,
        written_at="2020-02-01T00:00:00+00:00",
    ))
    _tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [3])

    audit = _bundle(history)["audit"]

    assert _first_row(audit)["check"] == "it does not link to the hash the archive record kept of entry #3"
    assert audit["verification"]["valid"] is False


def test_a_record_does_not_vouch_for_an_entry_that_is_not_the_first_in_the_database(history):
    """January recorded as archived through #3, but only #3 removed: #1 and #2 are still there, so #3 is
    a gap, not an archive (as the whole-chain check says)."""
    archive_record_append(ArchiveRecord(
        through=3, through_hash=AuditEntry.objects.get(sequence=3).entry_hash, month="2020-01",
        dump_sha256="0" * 64, written_at="2020-02-01T00:00:00+00:00",
    ))
    _tamper("DELETE FROM audit_auditentry WHERE sequence = %s", [3])
    assert not audit_chain_verify().valid

    audit = _bundle(history)["audit"]

    assert _first_row(audit)["check"] == "the entry before it is missing"
    assert "linked_by_archive_record" not in _first_row(audit)
    assert audit["verification"]["valid"] is False
