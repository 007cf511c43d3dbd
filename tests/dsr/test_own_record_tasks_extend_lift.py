"""A member of staff who is also a customer does not work their own request (or their ward's or
guardian's) through its side doors either: they complete none of its systems' tasks (their own access
export, their own rectification), extend none of its deadlines and lift no restriction it put on their
data; the services refuse it (403 `own_customer_record`), nothing offers it, and the request page says
why up front."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from core.actors import actor_for_user
from core.errors import PermissionDenied
from dsr import services
from dsr.models import FulfilmentTask
from dsr.selectors import task_allowed_actions
from tests.dsr.factories import make_inventory, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

@pytest.fixture
def own_record(privacy_officer):
    record = make_subject(external_ref="CIF7400101")
    call_command("link_staff_customer", privacy_officer.username, "CIF7400101", "--reason", "HR file 44")
    return record


def _refused(call) -> None:
    with pytest.raises(PermissionDenied) as refused:
        call()
    assert refused.value.code == "own_customer_record"


def _open_task(request) -> FulfilmentTask:
    tasks = FulfilmentTask.objects.select_related("request", "system")
    return tasks.filter(request=request, status="open").first()


def test_a_task_of_their_own_request_is_neither_offered_nor_completed(privacy_officer, own_record):
    make_inventory()
    officer = actor_for_user(privacy_officer)
    own, strangers = (
        _open_task(verified_request(record, type="access")) for record in (own_record, make_subject())
    )

    assert task_allowed_actions(strangers, officer) == {"complete"}
    assert task_allowed_actions(own, officer) == frozenset()
    _refused(lambda: services.task_complete(actor=officer, task_id=own.pk, result={"exported": True}))
    own.refresh_from_db()
    assert own.status == "open"
    services.task_complete(actor=officer, task_id=strangers.pk, result={"exported": True})

