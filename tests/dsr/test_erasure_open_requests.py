"""The platform's erasure of its copies reaches closed requests only: a request the customer is still
pursuing keeps what is needed to answer it (their words, what the systems returned), and loses it when
it closes. After a deletion's completion the copies are erased again only once the deletion's last
legal hold has ended (docs/requests.md, "What the platform erases")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import Actor, actor_for_user
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask, LegalHold, RequestExport, RequestStatusChange
from subjects.models import DataSubject
from tests.dsr.factories import (
    STAFF,
    awaiting_customer,
    make_held_system,
    make_inventory,
    make_request,
    make_request_rule,
    verified_request,
)

pytestmark = pytest.mark.django_db
CUSTOMER = Actor(kind="customer", user_id=None, label="customer#1")
ADDRESS = "12 Lý Thái Tổ, Hoàn Kiếm"


def _finish_tasks(request, actor):
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=actor, task_id=task.pk, result={"done": True})


def _complete_deletion(subject, privacy_officer, dpo, **fields):
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker, **fields)
    _finish_tasks(request, worker)
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    return services.request_complete(actor=worker, request_id=request.pk)


def _details(request) -> str:
    return DataSubjectRequest.objects.get(pk=request.pk).details


def _replies(request) -> list[str]:
    return [
        change.note
        for change in RequestStatusChange.objects.filter(request=request, actor_kind="customer")
        if change.note
    ]


def _platform_erased(subject) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action="dsr.platform.erased", subject_id=subject.pk).order_by("sequence")
    )


def _end_relationship(subject) -> None:
    DataSubject.objects.filter(pk=subject.pk).update(
        relationship_ended_on=timezone.localdate() - timedelta(days=6 * 366)
    )


# ------------------------------------------------------------------ (a) at the deletion's completion


def test_the_deletion_spares_the_words_of_a_request_still_open_and_erases_them_when_it_closes(
    subject, privacy_officer, dpo
):
    """The completion emptied the details and the customer's reply of a complaint still being handled:
    staff could no longer read what the customer complains about, nor answer it."""
    make_inventory()
    closed = make_request(subject, type="complaint", details=f"Tôi ở {ADDRESS}")
    services.request_cancel(actor=CUSTOMER, request_id=closed.pk)
    pursued = awaiting_customer(subject, type="complaint", details=f"Phí thẻ sai, tôi ở {ADDRESS}")
    services.request_customer_reply(
        actor=CUSTOMER, request_id=pursued.pk, subject=subject, text=f"Địa chỉ của tôi: {ADDRESS}"
    )
    deletion = _complete_deletion(subject, privacy_officer, dpo, details=f"Xóa hết, tôi ở {ADDRESS}")

    assert ADDRESS in _details(pursued), "the open complaint lost what the customer complains about"
    assert [ADDRESS in reply for reply in _replies(pursued)] == [True]
    # Closed requests, the deletion itself included, lose the customer's words as before.
    assert _details(closed) == "" and _details(deletion) == ""
    (at_completion,) = _platform_erased(subject)
    assert at_completion.data["request"] == str(deletion.pk) and "closed" not in at_completion.data

    # Answered, the complaint loses them in its closing's transaction, with its own entry.
    services.request_complete(actor=STAFF, request_id=pursued.pk, note="Đã hoàn phí thẻ.")
    assert (_details(pursued), _replies(pursued)) == ("", [])
    assert DataSubjectRequest.objects.get(pk=pursued.pk).outcome_note == "Đã hoàn phí thẻ."
    _first, at_close = _platform_erased(subject)
    assert at_close.data["request"] == str(deletion.pk) and at_close.data["closed"] == str(pursued.pk)
    assert (at_close.data["details"], at_close.data["replies"]) == (1, 1)
    # Once: nothing is left pending on it.
    assert DataSubjectRequest.objects.get(pk=pursued.pk).copies_spared_by_id is None


def _access_answered_by_core_then_deletion(subject, privacy_officer, dpo):
    """An access request core banking has answered, still open when the customer's deletion completes:
    what core banking returned is still there."""
    make_inventory()
    access = verified_request(subject, type="access")
    core = FulfilmentTask.objects.get(request=access, system__code="core_banking")
    services.task_complete(actor=STAFF, task_id=core.pk, result={"card_count": 2})
    _complete_deletion(subject, privacy_officer, dpo)
    core.refresh_from_db()
    assert json.loads(core.result) == {"card_count": 2}
    return access, core


def test_an_access_request_still_open_keeps_what_the_systems_returned_and_is_answered_with_it(
    subject, privacy_officer, dpo
):
    """The completion emptied what core banking had already returned to an access request still in
    progress: its answer, built afterwards, no longer had the customer's data in it."""
    access, core = _access_answered_by_core_then_deletion(subject, privacy_officer, dpo)
    _finish_tasks(access, STAFF)
    services.request_complete(actor=STAFF, request_id=access.pk)
    # The answer has them, for its download window; the export's purge takes them with it.
    assert "card_count" in RequestExport.objects.get(request=access).content
    core.refresh_from_db()
    assert json.loads(core.result) == {"card_count": 2}


def test_an_open_access_request_refused_after_the_deletion_loses_what_the_systems_returned(
    subject, privacy_officer, dpo
):
    """Refused, it has no export whose purge would take the systems' answers: they go as it closes."""
    access, core = _access_answered_by_core_then_deletion(subject, privacy_officer, dpo)
    services.request_reject(actor=STAFF, request_id=access.pk, reason="other", note="Khách hàng đã xóa.")
    core.refresh_from_db()
    assert core.result == ""
    at_close = _platform_erased(subject)[-1]
    assert at_close.data["closed"] == str(access.pk)
    assert at_close.data["task_results"] == FulfilmentTask.objects.filter(request=access).count()


# ------------------------------------------------------------------ (b) when the deletion's holds end


def test_the_holds_release_spares_a_request_filed_after_the_deletion_still_open(
    subject, privacy_officer, dpo
):
    """The identity is held under AML, so the customer can still file a request after the deletion;
    the hold's release emptied its details while staff were still handling it. (An open complaint
    holds the release back altogether: tests/dsr/test_year_end_holds_complaint.py.)"""
    make_inventory()  # identity held under AML, contact erased now
    _complete_deletion(subject, privacy_officer, dpo)
    later = make_request(subject, type="access", details=f"Tôi vẫn ở {ADDRESS}", now=timezone.now())
    _end_relationship(subject)

    assert services.legal_holds_release_due(now=timezone.now()) > 0
    assert ADDRESS in _details(later)
    _completion, at_release = _platform_erased(subject)
    assert (at_release.data["details"], at_release.data["holds"] != []) == (0, True)

    # Cancelled by the customer, it loses them then.
    services.request_cancel(actor=CUSTOMER, request_id=later.pk)
    assert _details(later) == ""
    assert _platform_erased(subject)[-1].data["closed"] == str(later.pk)


# ------------------------------------------------------------------ (c) the LAST hold, not any


def test_the_copies_are_erased_again_only_when_the_deletions_last_hold_ends(subject, privacy_officer, dpo):
    """Complaint files kept one month from the request end long before the AML holds (undated while
    the relationship is open); the copies were erased again as soon as that first hold ended."""
    short = make_request_rule(actor_for_user(privacy_officer), months=1)
    make_inventory()
    make_held_system(code="complaints", name="Complaint files", category="complaint_files", rule=short)
    deletion = _complete_deletion(subject, privacy_officer, dpo)
    (short_hold,) = LegalHold.objects.filter(request=deletion, system__code="complaints")
    assert deletion.legal_holds.filter(ends_on__isnull=True).count() >= 2  # AML, undated
    later = make_request(subject, type="complaint", details=f"Tôi vẫn ở {ADDRESS}", now=timezone.now())
    services.request_cancel(actor=CUSTOMER, request_id=later.pk)

    # The first hold ends: the others still keep categories, nothing is erased again.
    assert services.legal_holds_release_due(now=timezone.now() + timedelta(days=62)) == 1
    short_hold.refresh_from_db()
    assert short_hold.released_at is not None
    assert len(_platform_erased(subject)) == 1
    assert ADDRESS in _details(later)

    # The last ones end: one erasure, of what was made since, closed requests included.
    _end_relationship(subject)
    assert services.legal_holds_release_due(now=timezone.now() + timedelta(days=62)) >= 2
    assert not deletion.legal_holds.filter(released_at__isnull=True).exists()
    _completion, at_release = _platform_erased(subject)
    assert _details(later) == ""
    assert at_release.data["request"] == str(deletion.pk) and at_release.data["details"] == 1
    assert short_hold.pk not in at_release.data["holds"]
