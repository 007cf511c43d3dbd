"""Staff's words about the customer on their requests: the notes on the systems' tasks, the bank's
questions and answers, the reason for an extension or a delay. A completed deletion replaces them by
the erased marker the withdrawal reasons get; the proof that the bank answered, when, late or not and
that a reason was given stays (docs/requests.md, "What the platform erases")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from consents.models import REASON_ERASED
from core.actors import Actor, actor_for_user
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask, RequestStatusChange
from tests.dsr.factories import (
    MONDAY,
    STAFF,
    awaiting_customer,
    make_inventory,
    refused_after_waiting,
    verified_request,
)

pytestmark = pytest.mark.django_db
CUSTOMER = Actor(kind="customer", user_id=None, label="customer#1")
PHONE = "0912 777 888"
ABOUT_THEM = f"Đã đóng tài khoản của Nguyễn Văn A, điện thoại {PHONE}"


def _finish_tasks(request, actor, *, note="", evidence=""):
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(
            actor=actor, task_id=task.pk, result={"done": True}, note=note, evidence=evidence
        )


def _complete_deletion(subject, privacy_officer, dpo, *, task_note="", answer=""):
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    services.request_extend(actor=worker, request_id=request.pk, note=f"Cần xác minh số {PHONE}", now=MONDAY)
    _finish_tasks(request, worker, note=task_note, evidence="TICKET-77")
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    return services.request_complete(actor=worker, request_id=request.pk, note=answer)


def _erased_entry(subject) -> AuditEntry:
    return AuditEntry.objects.filter(action="dsr.platform.erased", subject_id=subject.pk).order_by("sequence")


def _staff_notes(request) -> list[str]:
    changes = RequestStatusChange.objects.filter(request=request).exclude(actor_kind="customer")
    return [change.note for change in changes if change.note]


def test_deletion_erases_the_staff_notes_on_the_tasks_of_the_customers_requests(
    subject, privacy_officer, dpo
):
    """A system owner's note on a task ("closed account of Nguyễn Văn A, phone 09...") outlived the
    customer's deletion, on their earlier requests' tasks and on the deletion's own."""
    make_inventory()
    access = verified_request(subject, type="access")
    _finish_tasks(access, STAFF, note=f"Tìm thấy tài khoản, {PHONE}", evidence="CASE-1")
    services.request_complete(actor=STAFF, request_id=access.pk)
    deletion = _complete_deletion(subject, privacy_officer, dpo, task_note=ABOUT_THEM)

    tasks = list(FulfilmentTask.objects.filter(request__in=[access, deletion]))
    assert tasks and {task.note for task in tasks} == {REASON_ERASED}
    # Who did what, when, and where the proof is kept stay.
    assert all(task.status == "done" and task.completed_at and task.completed_by_label for task in tasks)
    assert {task.evidence for task in tasks} == {"CASE-1", "TICKET-77"}
    (entry,) = _erased_entry(subject)
    assert entry.data["task_notes"] == len(tasks)
    assert PHONE not in str(entry.data)


def test_deletion_erases_the_banks_words_on_closed_requests_and_keeps_that_a_reason_was_given(
    subject, privacy_officer, dpo
):
    """The question asked, the refusal's explanation, the reasons for the extension and for the delay of
    a closed request kept the staff's words about the customer after the deletion."""
    make_inventory()
    late = awaiting_customer(subject, type="complaint", question=f"Xin gửi sao kê, gọi {PHONE}")
    services.request_extend(actor=STAFF, request_id=late.pk, note=f"Chờ sao kê của {PHONE}", now=MONDAY)
    refused_after_waiting(late, now=MONDAY + timedelta(days=90))
    before = DataSubjectRequest.objects.get(pk=late.pk)
    assert before.closed_late and before.overdue_reason and before.outcome_note

    _complete_deletion(subject, privacy_officer, dpo)
    after = DataSubjectRequest.objects.get(pk=late.pk)
    assert (after.outcome_note, after.overdue_reason, after.extension_note) == (REASON_ERASED,) * 3
    assert set(_staff_notes(late)) == {REASON_ERASED}
    # That it was answered, when, why in law, late, with a reason for the delay and an extension.
    assert (after.status, after.outcome_reason, after.closed_at) == (before.status, "other", before.closed_at)
    assert after.closed_late and after.overdue_reason_at == before.overdue_reason_at
    assert after.extended_at == before.extended_at
    (entry,) = _erased_entry(subject)
    assert (entry.data["answers"], entry.data["delay_reasons"], entry.data["extension_notes"]) == (1, 1, 2)
    assert entry.data["staff_notes"] == 2  # the question and the refusal's note


def test_the_deletions_own_answer_written_at_its_completion_stays(subject, privacy_officer, dpo):
    """What proves the deletion is its records, tasks and dates, not staff's words typed before it: those
    go (its extension's reason here); the answer its completion writes, after the erasure, stays as the
    bank's answer to the deletion."""
    make_inventory()
    deletion = _complete_deletion(subject, privacy_officer, dpo, answer="Đã xóa dữ liệu theo yêu cầu.")
    stored = DataSubjectRequest.objects.get(pk=deletion.pk)
    assert stored.extension_note == REASON_ERASED and stored.extended_at is not None
    assert stored.outcome_note == "Đã xóa dữ liệu theo yêu cầu."
    assert deletion.extension_note == REASON_ERASED, "the answer returned to the caller shows the erased text"


def test_a_request_spared_while_open_loses_the_staff_words_before_its_answer_as_it_closes(
    subject, privacy_officer, dpo
):
    """A complaint still open at the deletion keeps staff's words to be answered; closing it, the words
    typed before (the question asked, the tasks' notes) stayed for ever. Its answer stays."""
    make_inventory()
    pursued = awaiting_customer(subject, type="complaint", question=f"Xin gửi sao kê, gọi {PHONE}")
    services.request_customer_reply(actor=CUSTOMER, request_id=pursued.pk, subject=subject, text="Đây ạ")
    _finish_tasks(pursued, STAFF, note=ABOUT_THEM)
    _complete_deletion(subject, privacy_officer, dpo)
    assert PHONE in "".join(_staff_notes(pursued)), "an open request keeps what it needs to be answered"

    services.request_complete(actor=STAFF, request_id=pursued.pk, note="Đã hoàn phí thẻ.")
    stored = DataSubjectRequest.objects.get(pk=pursued.pk)
    assert stored.outcome_note == "Đã hoàn phí thẻ."
    assert _staff_notes(pursued) == [REASON_ERASED, "Đã hoàn phí thẻ."]
    assert {task.note for task in FulfilmentTask.objects.filter(request=pursued)} <= {REASON_ERASED, ""}
    at_close = list(_erased_entry(subject))[-1]
    assert at_close.data["closed"] == str(pursued.pk) and at_close.data["staff_notes"] == 1
