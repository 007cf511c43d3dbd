"""The proof bundle cites the last verification of the whole chain. When a later check, the nightly one
of the entries since the last checkpoint included, found the chain broken (`audit.chain.broken`), the
bundle still said "intact": it now names the later breakage, in the JSON and in red on the page."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AuditEntry
from audit.services import audit_chain_check, audit_checkpoint_write
from tests.audit.tampering import guards_lifted
from tests.factories import make_subject
from tests.regulator.proof_history import VN
from tests.regulator.test_proof_bundle_unfinished import _local, _quoted, _shown

pytestmark = pytest.mark.django_db


def _tampered_after_the_checkpoint() -> None:
    make_subject()
    victim = AuditEntry.objects.order_by("-sequence").first()
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'forged' WHERE id = %s", [victim.pk])


def _nightly_found_broken() -> AuditEntry:
    assert not audit_chain_check(since_checkpoint=True).valid
    return AuditEntry.objects.filter(action="audit.chain.broken").latest("sequence")


def test_a_later_nightly_check_that_found_the_chain_broken_is_named_beside_the_intact_one(dpo):
    subject = make_subject()
    audit_checkpoint_write()
    assert audit_chain_check().valid
    weekly = AuditEntry.objects.get(action="audit.chain.verified")
    _tampered_after_the_checkpoint()
    nightly = _nightly_found_broken()

    quoted = _quoted(subject)

    assert quoted["result"] == "intact" and quoted["audit_entry"] == weekly.sequence
    assert quoted["found_broken"] == {
        "count": 1,
        "first_at": _local(nightly.recorded_at),
        "last_at": _local(nightly.recorded_at),
        "last_audit_entry": nightly.sequence,
        "last_scope": "since_checkpoint",
        "last_reason": nightly.data["reason"],
    }
    when = nightly.recorded_at.astimezone(VN).strftime("%d/%m/%Y %H:%M")
    english = _shown(dpo, subject, "/en")
    assert '<strong class="report__alert" data-testid="bundle-chain-broken-later">' in english
    assert (f"1 later verification found the audit chain BROKEN on {when}: {nightly.data['reason']} "
            f"(recorded as entry #{nightly.sequence}). The verification quoted here is older.") in english
    vietnamese = _shown(dpo, subject)
    assert (f"1 lần kiểm tra sau đó phát hiện chuỗi nhật ký kiểm toán BỊ PHÁ VỠ, lần gần nhất lúc {when}: "
            f"{nightly.data['reason']} (được ghi tại mục #{nightly.sequence}).") in vietnamese


def test_with_no_whole_chain_check_on_record_a_broken_nightly_check_is_still_named(dpo):
    subject = make_subject()
    audit_checkpoint_write()
    _tampered_after_the_checkpoint()
    nightly = _nightly_found_broken()

    quoted = _quoted(subject)

    assert quoted["on_record"] is False
    assert quoted["found_broken"]["last_audit_entry"] == nightly.sequence
    assert "1 verification found the audit chain BROKEN on" in _shown(dpo, subject, "/en")


def test_a_broken_check_before_the_one_cited_is_not_named_again():
    subject = make_subject()
    audit_checkpoint_write()
    _tampered_after_the_checkpoint()
    _nightly_found_broken()
    assert not audit_chain_check().valid  # the weekly check, cited, says broken itself

    assert "found_broken" not in _quoted(subject)
