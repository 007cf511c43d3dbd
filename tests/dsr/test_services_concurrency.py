"""Two systems finishing their tasks at the same moment: both are recorded, and the request waits
for staff to answer (the last task never completes it)."""

from functools import partial

import pytest
from django.db import connection

from audit.models import AuditEntry
from dsr import services
from dsr.models import DataSubjectRequest
from tests.concurrency import run_together
from tests.dsr.factories import STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_simultaneous_last_tasks_both_recorded_and_request_waits_for_staff(subject):
    make_inventory()
    request = verified_request(subject, type="access")
    task_ids = list(request.tasks.values_list("pk", flat=True))
    assert len(task_ids) == 2
    run_together([
        partial(services.task_complete, actor=STAFF, task_id=task_id, result={"ok": True})
        for task_id in task_ids
    ])

    assert DataSubjectRequest.objects.get(pk=request.pk).status == "in_progress"
    assert AuditEntry.objects.filter(action="dsr.task.completed").count() == 2
    assert AuditEntry.objects.filter(action="dsr.export.built").count() == 0
