"""While a hold for a dispute is in force (a police request, a court case, an AML inspection), nothing of
the customer may be erased: the evidence the authority needs would go with it (Law 91/2025 and Decree
356/2025 keep data a competent authority requires; Law 14/2022/QH15 on anti-money laundering). Before,
the hold only kept the legal holds from the nightly release: a deletion the customer filed under review
sent every system its erase instructions at verification and the completion erased the platform's copies.
Now a deletion verified under a hold sends no instructions and cannot be completed; staff refuse it with
the neutral legal reason (which does not tip the customer off), or it goes on once the DPO lifts the hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from core.actors import actor_for_user
from core.errors import Conflict
from deadlines.policy import LOCAL_TZ
from dsr import services
from dsr.models import FulfilmentTask, LegalHold, OutcomeReason
from dsr.selectors import request_allowed_actions
from dsr.selectors.inventory import deletion_held_parts
from dsr.services.disputes import deletions_follow_disputes
from subjects.models import DataSubject
from tests.dsr.factories import MONDAY, make_inventory, verified_request
from tests.dsr.test_services_deletion_law import finish_tasks

pytestmark = pytest.mark.django_db


def _hold(dpo, subject):
    return services.dispute_hold_record(
        actor=actor_for_user(dpo), subject_id=subject.pk, reason="Công an đề nghị cung cấp, giữ chứng cứ",
        reference="125/CV-PC03", starts_on=timezone.localdate(MONDAY, LOCAL_TZ) - timedelta(days=7),
        ends_on=None, now=MONDAY - timedelta(days=7),
    )


@pytest.fixture
def under_review(subject, privacy_officer, dpo):
    make_inventory()
    dispute = _hold(dpo, subject)
    request = verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    return request, dispute


def test_no_system_is_told_to_erase_while_the_hold_is_in_force(under_review):
    request, _dispute = under_review
    assert not FulfilmentTask.objects.filter(request=request).exists()


def test_the_deletion_cannot_be_completed_and_erases_nothing(under_review, subject, privacy_officer, dpo):
    request, _dispute = under_review
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    request.refresh_from_db()
    assert "complete" not in request_allowed_actions(request, privacy_officer)
    with pytest.raises(Conflict) as refused:
        services.request_complete(actor=actor_for_user(privacy_officer), request_id=request.pk)
    assert refused.value.code == "dispute_hold_in_force"
    assert DataSubject.objects.get(pk=subject.pk).phone == subject.phone


def test_staff_refuse_it_with_the_neutral_legal_reason(under_review, privacy_officer):
    request, _dispute = under_review
    refused = services.request_reject(
        actor=actor_for_user(privacy_officer), request_id=request.pk, reason=OutcomeReason.LEGAL_PROHIBITION,
    )
    assert refused.status == "rejected"


def test_lifting_the_hold_sends_the_systems_their_instructions(under_review, privacy_officer, dpo):
    request, dispute = under_review
    services.dispute_hold_lift(actor=actor_for_user(dpo), dispute_id=dispute.pk, reason="Vụ việc đã kết thúc")
    tasks = FulfilmentTask.objects.filter(request=request)
    assert {task.system.code for task in tasks} == {"core_banking", "marketing"}
    assert any(i["action"] == "erase" for task in tasks for i in task.instructions)
    finish_tasks(request, actor_for_user(privacy_officer))
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    answered = services.request_complete(actor=actor_for_user(privacy_officer), request_id=request.pk)
    assert answered.status == "partially_completed"



def test_lifting_one_hold_sends_nothing_while_another_is_in_force(under_review, subject, dpo):
    request, dispute = under_review
    _hold(dpo, subject)
    services.dispute_hold_lift(actor=actor_for_user(dpo), dispute_id=dispute.pk, reason="Vụ việc đã kết thúc")
    assert not FulfilmentTask.objects.filter(request=request).exists()

def test_the_request_page_says_why_without_naming_the_dispute(under_review, privacy_officer, client):
    request, _dispute = under_review
    client.force_login(privacy_officer)
    text = client.get(f"/en/portal/requests/{request.pk}/").content.decode()
    assert 'data-testid="erasure-held"' in text
    callout = text.split('data-testid="erasure-held">', 1)[1].split("</p>", 1)[0]
    assert "police" not in callout and "125/CV-PC03" not in callout


def _deletion_under_a_hold_ending_monday(subject, privacy_officer, dpo):
    """A week's hold for a dispute whose last day is MONDAY, with nobody lifting it, and a deletion the
    customer filed under it, verified."""
    make_inventory()
    last_day = timezone.localdate(MONDAY, LOCAL_TZ)
    services.dispute_hold_record(
        actor=actor_for_user(dpo), subject_id=subject.pk, reason="Thanh tra NHNN", reference="12/QĐ-TTGSNH",
        starts_on=last_day - timedelta(days=7), ends_on=last_day, now=MONDAY - timedelta(days=7),
    )
    return verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))

def test_a_hold_that_runs_out_does_not_let_the_deletion_close_untold(subject, privacy_officer, dpo):
    """A hold with a last day ends without anyone lifting it: before, nothing sent the systems the
    instructions it kept back, and with no task open the deletion could be completed, every system
    still holding the data."""
    request = _deletion_under_a_hold_ending_monday(subject, privacy_officer, dpo)
    assert not FulfilmentTask.objects.filter(request=request).exists()
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk, now=MONDAY)
    after = MONDAY + timedelta(days=1)
    request.refresh_from_db()
    with pytest.raises(Conflict):
        services.request_complete(actor=actor_for_user(privacy_officer), request_id=request.pk, now=after)
    assert DataSubject.objects.get(pk=subject.pk).phone == subject.phone


def test_the_night_after_a_hold_runs_out_the_systems_are_told(subject, privacy_officer, dpo):
    request = _deletion_under_a_hold_ending_monday(subject, privacy_officer, dpo)
    deletions_follow_disputes(now=MONDAY + timedelta(hours=14))
    assert not FulfilmentTask.objects.filter(request=request).exists()
    deletions_follow_disputes(now=MONDAY + timedelta(days=1))
    tasks = FulfilmentTask.objects.filter(request=request)
    assert {task.system.code for task in tasks} == {"core_banking", "marketing"}


def test_a_hold_recorded_after_verification_calls_off_the_open_erase_tasks(subject, privacy_officer, dpo):
    """The systems were told to erase before the police asked: their open tasks are called off (each
    system's client told to stand down), a system that already erased keeps its task done, and lifting
    the hold sends fresh tasks to the others, one live task per system."""
    make_inventory()
    request = verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    erased = FulfilmentTask.objects.get(request=request, system__code="marketing")
    services.task_complete(actor=actor_for_user(privacy_officer), task_id=erased.pk, note="Đã xóa",
                           now=MONDAY + timedelta(hours=1))
    dispute = services.dispute_hold_record(
        actor=actor_for_user(dpo), subject_id=subject.pk, reason="Công an đề nghị giữ chứng cứ",
        reference="125/CV-PC03", starts_on=timezone.localdate(MONDAY, LOCAL_TZ), ends_on=None,
        now=MONDAY + timedelta(hours=2),
    )
    statuses = dict(FulfilmentTask.objects.filter(request=request).values_list("system__code", "status"))
    assert statuses == {"core_banking": "called_off", "marketing": "done"}
    services.dispute_hold_lift(actor=actor_for_user(dpo), dispute_id=dispute.pk, reason="Vụ việc đã kết thúc",
                               now=MONDAY + timedelta(hours=3))
    live = FulfilmentTask.objects.filter(request=request).exclude(status="called_off")
    assert sorted(live.values_list("system__code", "status")) == [
        ("core_banking", "open"), ("marketing", "done")]
    # The parts the law keeps are read from each system's live task, the called-off one aside.
    held_parts = [(system.code, category.code) for system, category in deletion_held_parts(request)]
    assert len(held_parts) == len(set(held_parts))
    finish_tasks(request, actor_for_user(privacy_officer))
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    answered = services.request_complete(actor=actor_for_user(privacy_officer), request_id=request.pk)
    assert answered.status == "partially_completed"
    assert LegalHold.objects.filter(request=request, system__code="core_banking").count() == len(
        {i["category"] for i in live.get(system__code="core_banking").instructions if i["action"] == "hold"})


def test_a_hold_dated_to_start_later_calls_the_erase_tasks_off_the_night_it_starts(
        subject, privacy_officer, dpo):
    make_inventory()
    request = verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    starts_on = timezone.localdate(MONDAY, LOCAL_TZ) + timedelta(days=1)
    services.dispute_hold_record(
        actor=actor_for_user(dpo), subject_id=subject.pk, reason="Tòa án yêu cầu giữ chứng cứ",
        reference="45/2026/QĐ-TA", starts_on=starts_on, ends_on=None, now=MONDAY + timedelta(hours=1),
    )
    assert set(FulfilmentTask.objects.filter(request=request).values_list("status", flat=True)) == {"open"}
    deletions_follow_disputes(now=MONDAY + timedelta(days=1))
    statuses = FulfilmentTask.objects.filter(request=request).values_list("status", flat=True)
    assert set(statuses) == {"called_off"}


def test_the_request_page_says_the_deadline_runs_on_and_what_staff_can_do(
    under_review, privacy_officer, client
):
    """Follow-up review: the callout told staff they could "wait for the DPO" while the statutory clock ran
    on (Law 91 knows no pause). It now gives the date to answer by, says the hold does not stop it, and
    what to do before then: refuse with the neutral legal reason if the data is still kept."""
    request, _dispute = under_review
    client.force_login(privacy_officer)
    text = client.get(f"/en/portal/requests/{request.pk}/").content.decode()
    callout = text.split('data-testid="erasure-held">', 1)[1].split("</p>", 1)[0]
    with translation.override("en"):
        due = date_format(timezone.localtime(request.answer_by, LOCAL_TZ), "SHORT_DATETIME_FORMAT")
    assert due in callout
    assert "does not stop" in callout
    assert "A law forbids disclosure or the change requested" in callout
    assert "wait" not in callout


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_api_409_says_the_deadline_runs_on_as_the_page_does(
    under_review, privacy_officer, dpo, as_user, client, language
):
    """Follow-up review: the 409 `dispute_hold_in_force` said nothing of the statutory deadline running on,
    gave no date to answer by, and named the dispute the page keeps from front-line officers. The API and
    the page now say the same, in the reader's language: the date to answer by, and that the hold does not
    stop it."""
    request, _dispute = under_review
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    request.refresh_from_db()
    with translation.override(language):
        due = date_format(timezone.localtime(request.answer_by, LOCAL_TZ), "SHORT_DATETIME_FORMAT")
        page_url = reverse("dsr:detail", args=[request.pk])
    refused = as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/complete/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "dispute_hold_in_force"
    detail = refused.json()["detail"]
    assert due in detail
    assert "dispute" not in detail and "tranh chấp" not in detail
    client.force_login(privacy_officer)
    page = client.get(page_url).content.decode()
    callout = page.split('data-testid="erasure-held">', 1)[1].split("</p>", 1)[0]
    assert callout == escape(detail)
