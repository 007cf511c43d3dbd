"""Someone who can write to the database but does not hold the audit MAC key can still compute the plain
SHA-256 seal of the entries written before the keyed one. Appended after keyed entries, such an entry
passed the proof bundle's per-entry check as `check: ok`, and a forged unkeyed `audit.chain.verified`
made the bundle cite "intact". Unkeyed seals are accepted only where the whole-chain walk accepts them:
before the switch-over and never after a keyed entry; outcomes are cited only with a keyed seal."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from audit.hashing import UNKEYED, entry_digest
from audit.models import AuditChainHead, AuditEntry
from audit.selectors import audit_chain_last_full_check, audit_entries, audit_entries_checked
from audit.services import audit_chain_check, audit_record
from core.actors import Actor
from regulator.proof_bundle import proof_bundle
from tests.factories import make_subject
from tests.regulator.proof_history import VN

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _appended_unkeyed(*, action: str, subject: uuid.UUID | None = None, data: dict | None = None):
    """An entry after the head, sealed with the plain SHA-256 anyone can compute, the head moved onto it
    (moving it forward is allowed)."""
    head = AuditChainHead.objects.get(pk=1)
    entry = AuditEntry(
        sequence=head.sequence + 1, recorded_at=datetime.now(tz=UTC), actor_kind="system",
        actor_user_id=None, actor_label="someone", action=action, target_type="", target_id="",
        subject_id=subject, data=data or {}, request_id="", ip=None,
        prev_hash=head.last_hash, mac_key_id=UNKEYED,
    )
    entry.entry_hash = entry_digest(entry)
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(sequence=entry.sequence, last_hash=entry.entry_hash)
    return entry


def _checked(subject_id: uuid.UUID) -> dict[int, str]:
    checked = audit_entries_checked(audit_entries(subject_id=subject_id))
    return {entry.sequence: problem for entry, problem, _ in checked}


def _bundle(subject) -> dict:
    return proof_bundle(subject, generated_by=SYSTEM, now=datetime.now(tz=VN))


def test_an_unkeyed_entry_after_keyed_ones_does_not_check_out_in_the_bundle():
    subject = make_subject()
    forged = _appended_unkeyed(action="consents.consent.withdrawn", subject=subject.pk)

    rows = {row["sequence"]: row for row in _bundle(subject)["audit"]["entries"]}

    assert "lacks the keyed seal" in rows[forged.sequence]["check"]
    assert all(row["check"] == "ok" for sequence, row in rows.items() if sequence != forged.sequence)


def test_an_unkeyed_entry_behind_another_unkeyed_one_after_the_switch_does_not_check_out():
    subject = make_subject()
    _appended_unkeyed(action="core.token.issued")  # someone else's: its predecessor is keyed
    forged = _appended_unkeyed(action="consents.consent.withdrawn", subject=subject.pk)

    assert "lacks the keyed seal" in _checked(subject.pk)[forged.sequence]


def test_unkeyed_entries_from_before_the_keyed_seal_still_check_out():
    subject_id = uuid.uuid4()
    legacy = [_appended_unkeyed(action="core.token.issued", subject=subject_id) for _ in range(2)]
    keyed = audit_record(action="core.token.issued", actor=SYSTEM, subject=subject_id)

    checked = _checked(subject_id)

    assert checked == {legacy[0].sequence: "", legacy[1].sequence: "", keyed.sequence: ""}


def test_a_forged_unkeyed_outcome_is_not_cited():
    subject = make_subject()
    _appended_unkeyed(action="consents.consent.withdrawn", subject=subject.pk)
    audit_chain_check()  # the weekly check finds it
    genuine = audit_chain_last_full_check()
    head = AuditChainHead.objects.get(pk=1)
    _appended_unkeyed(action="audit.chain.verified", data={
        "scope": "full", "entries": head.sequence, "head_sequence": head.sequence, "from_sequence": 1,
        "archived_before": 0, "archive_after_the_fact": False, "first_invalid": None, "reason": "",
    })

    quoted = _bundle(subject)["audit"]["full_chain_verification"]

    assert audit_chain_last_full_check() == genuine
    assert quoted["result"] == "broken" and quoted["audit_entry"] == genuine.sequence
