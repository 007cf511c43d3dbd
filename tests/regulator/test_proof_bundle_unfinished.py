"""The proof bundle cites the last verification of the whole chain that finished. When a later one was
started and stopped by its time limit (`audit.chain.unfinished`, the weekly job on a trail grown past what
its workers were sized for), the bundle said nothing of it: an inspector read "verified on X, intact"
while the check after X never ended. It now says so, with when, in the JSON and on the page in both
languages. (From the last closing note, "audit gaps".)"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.selectors import chain
from audit.services import audit_checkpoint_write
from audit.tasks import verify_chain
from core.actors import Actor
from regulator.proof_bundle import proof_bundle
from tests.audit.test_tasks_time_limits import _stopped_by_the_worker, _write
from tests.factories import make_subject, signed_in
from tests.regulator.proof_history import VN

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _stopped(monkeypatch, *, full: bool = True) -> AuditEntry:
    with monkeypatch.context() as patched:
        patched.setattr(chain, "_walk", _stopped_by_the_worker)
        assert verify_chain(full=full) is False
    return AuditEntry.objects.filter(action="audit.chain.unfinished").latest("sequence")


def _quoted(subject, now: datetime | None = None) -> dict:
    bundle = proof_bundle(subject, generated_by=SYSTEM, now=now or datetime.now(tz=VN))
    return bundle["audit"]["full_chain_verification"]


def _local(moment: datetime) -> str:
    return moment.astimezone(VN).isoformat()


def _shown(dpo, subject, prefix: str = "") -> str:
    page = signed_in(dpo).post(
        prefix + reverse("regulator:proof_bundle", args=[subject.pk]).removeprefix("/en"),
        {"reason": "other", "note": "A05 inspection", "format": "html"},
    ).content.decode()
    shown = page[page.index('data-testid="bundle-chain-verification"'):]
    return shown[:shown.index("</p>")]


def test_a_later_whole_chain_check_stopped_unfinished_is_named_beside_the_one_cited(monkeypatch, dpo):
    subject = make_subject()
    _write(3)
    verify_chain(full=True)
    weekly = AuditEntry.objects.get(action="audit.chain.verified")
    stopped = _stopped(monkeypatch)

    quoted = _quoted(subject)

    # Still the last check that finished.
    assert quoted["result"] == "intact" and quoted["audit_entry"] == weekly.sequence
    assert quoted["stopped_unfinished"] == {
        "count": 1,
        "first_at": _local(stopped.recorded_at),
        "last_at": _local(stopped.recorded_at),
        "last_audit_entry": stopped.sequence,
        "last_job": "audit.verify_chain",
        "last_limit_seconds": 25 * 60,
    }
    when = stopped.recorded_at.astimezone(VN).strftime("%d/%m/%Y %H:%M")
    english = _shown(dpo, subject, "/en")
    assert 'data-testid="bundle-chain-unfinished"' in english
    assert (f"1 later verification of the whole chain did not finish: it was stopped by its time limit on "
            f"{when} (recorded as entry #{stopped.sequence}) and verified nothing. The verification quoted "
            f"here is the last one that finished.") in english
    vietnamese = _shown(dpo, subject)
    assert (f"1 lần kiểm tra toàn bộ chuỗi sau đó đã không hoàn tất: lần gần nhất bị dừng do hết thời gian "
            f"cho phép lúc {when} (được ghi tại mục #{stopped.sequence}) và không kiểm tra được gì."
            ) in vietnamese


def test_several_stopped_checks_are_counted_and_the_latest_named(monkeypatch, dpo):
    subject = make_subject()
    _write(3)
    verify_chain(full=True)
    first = _stopped(monkeypatch)
    _write(2)
    latest = _stopped(monkeypatch)

    quoted = _quoted(subject)["stopped_unfinished"]

    assert quoted["count"] == 2 and quoted["last_audit_entry"] == latest.sequence
    assert quoted["first_at"] == _local(first.recorded_at) and quoted["last_at"] == _local(latest.recorded_at)
    assert "2 later verifications of the whole chain did not finish" in _shown(dpo, subject, "/en")


def test_with_no_finished_check_on_record_the_stopped_one_is_still_named(monkeypatch, dpo):
    subject = make_subject()
    _write(3)
    stopped = _stopped(monkeypatch)

    quoted = _quoted(subject)

    assert quoted["on_record"] is False
    assert quoted["stopped_unfinished"]["count"] == 1
    assert quoted["stopped_unfinished"]["last_audit_entry"] == stopped.sequence
    english = _shown(dpo, subject, "/en")
    assert "No verification of the whole audit chain is on record." in english
    assert ("1 verification of the whole chain was started and did not finish: the latest was stopped by its "
            "time limit on") in english


def test_a_check_that_finishes_afterwards_is_cited_alone(monkeypatch):
    subject = make_subject()
    _write(3)
    verify_chain(full=True)
    _stopped(monkeypatch)
    assert "stopped_unfinished" in _quoted(subject)

    verify_chain(full=True)

    quoted = _quoted(subject)
    assert "stopped_unfinished" not in quoted
    last = AuditEntry.objects.filter(action="audit.chain.verified").latest("sequence")
    assert quoted["audit_entry"] == last.sequence


def test_a_bundle_built_before_the_stopped_check_does_not_name_it(monkeypatch):
    subject = make_subject()
    _write(3)
    verify_chain(full=True)
    weekly = AuditEntry.objects.get(action="audit.chain.verified")
    _stopped(monkeypatch)

    assert "stopped_unfinished" not in _quoted(subject, now=weekly.recorded_at)


def test_a_stopped_check_of_the_entries_since_the_last_checkpoint_is_not_a_whole_chain_check(monkeypatch):
    subject = make_subject()
    _write(3)
    audit_checkpoint_write()
    verify_chain(full=True)
    stopped = _stopped(monkeypatch, full=False)  # the nightly job
    assert stopped.data["scope"] == "since_checkpoint"

    assert "stopped_unfinished" not in _quoted(subject)
