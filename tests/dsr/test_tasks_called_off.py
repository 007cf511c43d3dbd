"""Mistakes review: a request cancelled by the customer (or refused) after it fanned out left its systems'
tasks open for ever. The system's client had been told by webhook to act (an erasure, an export) and
was never told to stand down, and staff's list of open tasks kept showing the work. Ending a request
unanswered now calls its open tasks off, in the history and the audit trail, and tells each system by
webhook (`dsr.task.called_off`)."""

import json
from datetime import datetime

import pytest

from audit.models import AuditEntry
from dsr import services
from dsr.models import FulfilmentTaskStatusChange
from dsr.selectors import tasks_for_client, tasks_open
from integrations.models import OutboxMessage
from tests.dsr.factories import STAFF, make_inventory, verified_request
from tests.factories import make_webhook

pytestmark = pytest.mark.django_db


def test_cancelling_calls_the_open_tasks_off_and_tells_each_system(subject, client_user):
    make_inventory(corebank_client=client_user)
    make_webhook(client_user, events=["dsr.task.created", "dsr.task.called_off"])
    request = verified_request(subject, type="access")
    task = request.tasks.get(system__code="core_banking")
    assert task.status == "open"

    services.request_cancel(actor=STAFF, request_id=request.pk)

    task.refresh_from_db()
    assert task.status == "called_off"
    assert not tasks_open().filter(request=request).exists()
    assert not tasks_for_client(client_user).exists()
    change = FulfilmentTaskStatusChange.objects.get(task=task, to_status="called_off")
    assert change.from_status == "open"
    assert AuditEntry.objects.filter(action="dsr.task.called_off", target_id=str(task.pk)).exists()
    message = OutboxMessage.objects.get(topic="dsr.task.called_off")
    payload = json.loads(message.payload)
    assert payload["task"] == str(task.pk) and payload["request_status"] == "cancelled"


def test_a_refusal_calls_the_tasks_off_too(subject, client_user):
    make_inventory(corebank_client=client_user)
    request = verified_request(subject, type="access")
    services.request_reject(actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="x")
    assert set(request.tasks.values_list("status", flat=True)) == {"called_off"}


def test_the_called_off_notice_keeps_when_the_task_was_created(subject, client_user):
    """The notice's `created_at` said the moment of calling off: a system matching it to the work it was
    sent (`dsr.task.created`, same field) saw two different tasks' times."""
    make_inventory(corebank_client=client_user)
    make_webhook(client_user, events=["dsr.task.created", "dsr.task.called_off"])
    request = verified_request(subject, type="access")
    task = request.tasks.get(system__code="core_banking")

    services.request_cancel(actor=STAFF, request_id=request.pk)

    created, called_off = (
        json.loads(OutboxMessage.objects.get(topic=topic).payload)
        for topic in ("dsr.task.created", "dsr.task.called_off")
    )
    created_at, said_created_at, called_off_at = (
        datetime.fromisoformat(moment)
        for moment in (created["created_at"], called_off["created_at"], called_off["called_off_at"])
    )
    assert said_created_at == created_at == task.created_at < called_off_at


def test_a_system_reporting_a_called_off_task_is_told_it_was_called_off(subject, client_user, as_user):
    """It was told "This task is already done.": wrong, and it hides that the request ended unanswered."""
    make_inventory(corebank_client=client_user)
    request = verified_request(subject, type="access")
    task = request.tasks.get(system__code="core_banking")
    services.request_cancel(actor=STAFF, request_id=request.pk)

    refused = as_user(client_user).post(
        f"/api/v1/request-tasks/{task.pk}/complete/", {"result": {"accounts": 1}}, format="json"
    )

    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "task_called_off"
    assert "already done" not in refused.json()["detail"]
    task.refresh_from_db()
    assert task.status == "called_off" and task.result == ""
