"""The privacy officer's task flow on the request page (issue #18): tasks with a note and evidence,
back to the task after each click, and the answer left to staff when the last system reports."""

import pytest
from django.urls import reverse

from core.actors import actor_for_user
from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


def test_marking_tasks_done_keeps_note_evidence_and_the_reply_box(client, privacy_officer, subject):
    make_inventory()
    request = verified_request(subject, type="access", actor=actor_for_user(privacy_officer))
    client.force_login(privacy_officer)
    url = reverse("dsr:detail", args=[request.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="ready-to-answer"' not in page
    assert page.count('name="evidence"') == 2
    tasks = list(FulfilmentTask.objects.filter(request=request).order_by("system__code"))
    for n, task in enumerate(tasks):
        response = client.post(
            reverse("dsr:task_done", args=[request.pk, task.pk]),
            {"note": f"Exported part {n}", "evidence": f"TICKET-{n}"},
        )
        assert response.status_code == 302
        assert response["Location"] == f"{url}#task-{task.pk}"
    request.refresh_from_db()
    assert request.status == "in_progress"
    page = client.get(url).content.decode()
    assert 'data-testid="ready-to-answer"' in page
    assert 'data-testid="complete"' in page  # the reply box stays
    assert "Exported part 0" in page and "TICKET-1" in page
    assert f'id="task-{tasks[0].pk}"' in page


def test_task_evidence_too_long_is_refused_with_a_message(client, privacy_officer, subject):
    make_inventory()
    request = verified_request(subject, type="access", actor=actor_for_user(privacy_officer))
    task = request.tasks.first()
    client.force_login(privacy_officer)
    client.post(reverse("dsr:task_done", args=[request.pk, task.pk]), {"evidence": "x" * 400})
    task.refresh_from_db()
    assert task.status == "open"


def test_api_task_completion_takes_note_and_evidence(as_user, privacy_officer, subject):
    make_inventory()
    request = verified_request(subject, type="access")
    task = request.tasks.first()
    response = as_user(privacy_officer).post(
        f"/api/v1/request-tasks/{task.pk}/complete/",
        {"result": {"rows": 3}, "note": "done by hand", "evidence": "LOG-9"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["note"], response.json()["evidence"]) == ("done by hand", "LOG-9")
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "in_progress"


def test_a_deletion_task_is_not_done_without_saying_what_was_deleted(
    client, as_user, privacy_officer, subject
):
    """The proof of erasure: the service refuses a bare deletion task; the page and the API say why."""
    make_inventory()
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    first, second = request.tasks.order_by("system__code")[:2]
    with pytest.raises(InvalidInput) as refused:
        services.task_complete(actor=worker, task_id=first.pk, note="  ", evidence="")
    assert refused.value.field == "note"
    client.force_login(privacy_officer)
    done_url = reverse("dsr:task_done", args=[request.pk, first.pk])
    response = client.post(done_url, {"note": "", "evidence": "TICKET-7"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy ghi rõ đã xóa những gì" in page  # the refusal, in the page's Vietnamese
    assert 'value="TICKET-7"' in page  # what was typed stays
    api = as_user(privacy_officer).post(f"/api/v1/request-tasks/{second.pk}/complete/", {}, format="json")
    assert api.status_code == 400
    assert FulfilmentTask.objects.filter(request=request, status="done").count() == 0
    services.task_complete(actor=worker, task_id=first.pk, note="Rows 12-40 purged from CRM")
    first.refresh_from_db()
    assert first.status == "done"
