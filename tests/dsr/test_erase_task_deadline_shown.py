"""An erase task's deadline (`FulfilmentTask.due_at`, given when a legal hold ends) is shown where the
task is: in the task API (`due_at`, `overdue`, added beside the contract's fields) and on the staff
request page, an overdue one marked in words, not by colour alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dsr import services
from dsr.models import FulfilmentTask
from tests.dsr.factories import STAFF, by_document, make_inventory, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def erase_tasks(as_user, privacy_officer, subject):
    """A request's two tasks, given deadlines as an ended hold's erase tasks have: core banking's passed
    yesterday, marketing's falls due next week."""
    make_inventory()
    request = make_request(subject, type="copy")
    as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/verify-identity/", by_document(subject), format="json"
    )
    now = timezone.now()
    FulfilmentTask.objects.filter(request=request, system__code="core_banking").update(
        due_at=now - timedelta(days=1)
    )
    FulfilmentTask.objects.filter(request=request, system__code="marketing").update(
        due_at=now + timedelta(days=7)
    )
    return request


def _by_system(tasks):
    return {t["system"]: t for t in tasks}


def test_the_task_list_gives_each_tasks_deadline_and_whether_it_passed(as_user, privacy_officer, erase_tasks):
    listed = as_user(privacy_officer).get("/api/v1/request-tasks/", {"request": str(erase_tasks.pk)})
    tasks = _by_system(listed.json()["results"])
    late, on_time = tasks["core_banking"], tasks["marketing"]
    assert late["due_at"] and on_time["due_at"]
    assert late["due_at"] < on_time["due_at"]
    assert late["overdue"] is True and on_time["overdue"] is False
    # The contract's fields stay.
    assert {"id", "request", "system", "status", "instructions", "allowed_actions"} <= set(late)


def test_the_request_detail_gives_the_tasks_deadlines(as_user, privacy_officer, erase_tasks):
    detail = as_user(privacy_officer).get(f"/api/v1/requests/{erase_tasks.pk}/").json()
    tasks = _by_system(detail["tasks"])
    assert tasks["core_banking"]["overdue"] is True
    assert tasks["marketing"]["due_at"] is not None


def test_a_task_without_a_deadline_is_never_overdue(as_user, privacy_officer, erase_tasks):
    FulfilmentTask.objects.filter(request=erase_tasks).update(due_at=None)
    listed = as_user(privacy_officer).get("/api/v1/request-tasks/", {"request": str(erase_tasks.pk)})
    assert {(t["due_at"], t["overdue"]) for t in listed.json()["results"]} == {(None, False)}


def test_the_request_page_shows_each_deadline_and_says_which_passed(client, privacy_officer, erase_tasks):
    client.force_login(privacy_officer)
    with translation.override("en"):
        page = client.get(reverse("dsr:detail", args=[erase_tasks.pk])).content.decode()
    assert page.count('data-testid="task-due"') == 2
    # Marked in words (a badge's colour alone says nothing to a screen reader or a colour-blind reader).
    assert page.count('data-testid="task-overdue"') == 1
    overdue_at = page.index('data-testid="task-overdue"')
    assert page.rfind("Core banking", 0, overdue_at) > page.rfind("Marketing platform", 0, overdue_at)
    assert ">overdue<" in page


def test_a_task_confirmed_after_its_deadline_says_so(client, privacy_officer, erase_tasks):
    late = erase_tasks.tasks.get(system__code="core_banking")
    services.task_complete(actor=STAFF, task_id=late.pk, note="erased")
    client.force_login(privacy_officer)
    with translation.override("en"):
        page = client.get(reverse("dsr:detail", args=[erase_tasks.pk])).content.decode()
    assert 'data-testid="task-overdue"' not in page
    assert page.count('data-testid="task-done-late"') == 1
    with translation.override("vi"):
        page_vi = client.get(reverse("dsr:detail", args=[erase_tasks.pk])).content.decode()
    assert page_vi.count('data-testid="task-done-late"') == 1
