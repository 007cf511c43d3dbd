"""The fulfilment-task machine (issue #11): every move through `task_transition` leaves a history row
and its audit entry; `task_allowed_actions` is what the request page offers, hold erase tasks included."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import InvalidTransition
from dsr import services
from dsr.models import FulfilmentTask, FulfilmentTaskStatusChange
from dsr.selectors import task_allowed_actions
from subjects.models import DataSubject
from tests.dsr.factories import STAFF, make_inventory, verified_request
from tests.factories import UserFactory, status_moves

pytestmark = pytest.mark.django_db


def test_completing_writes_a_history_row_and_an_audit_entry(subject):
    make_inventory()
    task = verified_request(subject, type="access").tasks.order_by("system__code").first()
    now = timezone.now()
    services.task_complete(actor=STAFF, task_id=task.pk, evidence="TICKET-1", now=now)
    assert status_moves(task) == [("open", "done", now, STAFF.label)]
    entry = AuditEntry.objects.get(action="dsr.task.completed", target_id=str(task.pk))
    assert (entry.subject_id, entry.data["evidence"]) == (subject.pk, "TICKET-1")


def test_a_second_completion_is_refused_with_409_and_writes_nothing(subject, privacy_officer, as_user):
    make_inventory()
    task = verified_request(subject, type="access").tasks.first()
    services.task_complete(actor=STAFF, task_id=task.pk)
    with pytest.raises(InvalidTransition) as refused:
        services.task_complete(actor=STAFF, task_id=task.pk)
    assert (refused.value.status, refused.value.code) == (409, "task_done")
    again = as_user(privacy_officer).post(f"/api/v1/request-tasks/{task.pk}/complete/", {}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "task_done")
    assert FulfilmentTaskStatusChange.objects.filter(task=task).count() == 1


def test_a_client_may_complete_only_its_own_systems_tasks(subject):
    corebank = UserFactory(role="integration_client")
    make_inventory(corebank_client=corebank)
    request = verified_request(subject, type="access")
    core = request.tasks.select_related("request", "system").get(system__code="core_banking")
    other = request.tasks.select_related("request", "system").exclude(system__code="core_banking").first()
    assert task_allowed_actions(core, actor_for_user(corebank)) == {"complete"}
    assert task_allowed_actions(other, actor_for_user(corebank)) == frozenset()


def test_the_page_offers_the_erase_task_of_an_ended_hold_on_an_answered_request(
    client, subject, privacy_officer, dpo
):
    make_inventory()
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    services.request_complete(actor=worker, request_id=request.pk)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    services.legal_holds_release_due(now=timezone.now())
    erase = FulfilmentTask.objects.filter(request=request, hold__isnull=False, status="open").first()
    assert task_allowed_actions(erase, worker) == {"complete"}
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert reverse("dsr:task_done", args=[request.pk, erase.pk]) in page


def test_the_api_lists_what_the_request_page_offers_for_tasks(subject, privacy_officer, auditor, as_user):
    """The task list, the request detail's tasks and the completion's answer carry `allowed_actions`
    from `task_allowed_actions`: empty for a reader, another system's client and a done task."""
    corebank = UserFactory(role="integration_client")
    make_inventory(corebank_client=corebank)
    request = verified_request(subject, type="access")
    core = request.tasks.select_related("request", "system").get(system__code="core_banking")
    client_api = as_user(corebank)
    (listed,) = client_api.get("/api/v1/request-tasks/").json()["results"]
    assert listed["allowed_actions"] == sorted(task_allowed_actions(core, actor_for_user(corebank)))
    assert listed["allowed_actions"] == ["complete"]
    staff_listed = as_user(privacy_officer).get("/api/v1/request-tasks/").json()["results"]
    assert {t["id"]: t["allowed_actions"] for t in staff_listed}[str(core.pk)] == ["complete"]
    read = as_user(auditor).get("/api/v1/request-tasks/").json()["results"]
    assert {tuple(t["allowed_actions"]) for t in read} == {()}
    detail = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert {t["id"]: t["allowed_actions"] for t in detail["tasks"]}[str(core.pk)] == ["complete"]
    answer = client_api.post(f"/api/v1/request-tasks/{core.pk}/complete/", {}, format="json")
    assert answer.status_code == 200 and answer.json()["allowed_actions"] == []
