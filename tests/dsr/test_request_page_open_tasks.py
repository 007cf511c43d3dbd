"""A request whose systems have not all reported is not offered "Complete" to anyone (the service would
refuse it); the page says who closes the systems' tasks to a person who cannot, and the refusal counts
the open tasks in proper English."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.actors import actor_for_user
from core.errors import Conflict
from dsr import services
from dsr.models import FulfilmentTask
from dsr.selectors import request_allowed_actions
from tests.dsr.factories import STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def rectification(subject, officer):
    """A correction a branch officer took in and verified: a task open for each system concerned."""
    make_inventory()
    return verified_request(
        subject, type="rectify", corrections={"phone": "0909000111"}, actor=actor_for_user(officer)
    )


def _finish_tasks(request):
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=STAFF, task_id=task.pk, result={"checked": True})


def test_complete_is_offered_only_once_every_system_reported(rectification, officer, privacy_officer):
    assert rectification.tasks.filter(status="open").exists()
    assert "complete" not in request_allowed_actions(rectification, officer)
    assert "complete" not in request_allowed_actions(rectification, privacy_officer)
    _finish_tasks(rectification)
    assert "complete" in request_allowed_actions(rectification, officer)


def test_the_officers_page_says_who_closes_the_system_tasks(client, rectification, officer):
    client.force_login(officer)
    with translation.override("en"):
        page = client.get(reverse("dsr:detail", args=[rectification.pk])).content.decode()
    assert 'data-testid="complete"' not in page
    assert 'data-testid="task-done"' not in page
    assert 'data-testid="tasks-closed-by"' in page
    assert "privacy officer or the DPO" in page


def test_a_privacy_officer_is_not_told_to_ask_someone_else(client, rectification, privacy_officer):
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[rectification.pk])).content.decode()
    assert 'data-testid="task-done"' in page
    assert 'data-testid="tasks-closed-by"' not in page
    assert 'data-testid="complete"' not in page


def test_the_api_offers_what_the_page_offers(as_user, rectification, officer):
    body = as_user(officer).get(f"/api/v1/requests/{rectification.pk}/").json()
    assert "complete" not in body["allowed_actions"]


@pytest.mark.parametrize(("left_open", "text"), [(1, "1 system task is still open"),
                                                  (2, "2 system tasks are still open")])
def test_the_refusal_counts_the_open_tasks(subject, left_open, text):
    make_inventory()
    access = verified_request(subject, type="access")
    open_tasks = list(access.tasks.filter(status="open"))
    assert len(open_tasks) >= 2
    for task in open_tasks[left_open:]:
        services.task_complete(actor=STAFF, task_id=task.pk, result={"checked": True})
    with pytest.raises(Conflict) as error:
        services.request_complete(actor=STAFF, request_id=access.pk)
    assert error.value.code == "tasks_open"
    with translation.override("en"):
        assert error.value.text.startswith(text)
