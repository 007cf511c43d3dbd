"""Staff's words that may name a customer's data are stored encrypted, like the data they name: a task's
note (what was done in a system) and a request's reason for the delay. Migration 0013 encrypts the rows
written before, and going back leaves them as they were."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.db import connection

from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask
from dsr.services.tasks import task_complete
from subjects.checks import check_keys_read_existing_data
from subjects.keys import encrypted_models
from tests.dsr.factories import MONDAY, STAFF, make_inventory, verified_request
from tests.dsr.test_services_overdue_reason import late_complaint
from tests.factories import make_subject
from tests.migrations import decrypted, registries_after, store_plain, stored

pytestmark = pytest.mark.django_db
migration = importlib.import_module("dsr.migrations.0013_staff_notes_encrypted")
# The models as they stood after it (what `migrate` passes), or today's.
migration_apps = registries_after([("dsr", "0013_staff_notes_encrypted")])
NOTE = "Khách xác nhận số 0987654321, CCCD 079123456789"
DELAY = "Core banking outage while exporting the account of 0987654321"


def _completed_task() -> FulfilmentTask:
    make_inventory()
    request = verified_request(make_subject(), type="access")
    task = FulfilmentTask.objects.filter(request=request).first()
    return task_complete(actor=STAFF, task_id=task.pk, result={"phone": "0987654321"}, note=NOTE, now=MONDAY)


def _late_request() -> DataSubjectRequest:
    request, after = late_complaint(make_subject())
    services.request_complete(
        actor=STAFF, request_id=request.pk, note="Answered.", overdue_reason=DELAY, now=after
    )
    return request


def test_a_task_note_and_a_delay_reason_are_stored_encrypted_and_rotated():
    task, request = _completed_task(), _late_request()
    assert decrypted(FulfilmentTask, "note", task.pk) == NOTE
    assert decrypted(DataSubjectRequest, "overdue_reason", request.pk) == DELAY
    assert FulfilmentTask.objects.get(pk=task.pk).note == NOTE
    assert DataSubjectRequest.objects.get(pk=request.pk).overdue_reason == DELAY
    rotated = {spec.model: {f.name for f in spec.fields} for spec in encrypted_models()}
    assert "note" in rotated[FulfilmentTask] and "overdue_reason" in rotated[DataSubjectRequest]


def test_the_migration_encrypts_the_rows_written_before_and_going_back_restores_them(migration_apps):
    task, request = _completed_task(), _late_request()
    empty = FulfilmentTask.objects.exclude(pk=task.pk).first()
    store_plain(FulfilmentTask, "note", task.pk, NOTE)
    store_plain(FulfilmentTask, "note", empty.pk, "")
    store_plain(DataSubjectRequest, "overdue_reason", request.pk, DELAY)

    migration.staff_notes_encrypt(migration_apps, None)

    assert decrypted(FulfilmentTask, "note", task.pk) == NOTE
    assert decrypted(FulfilmentTask, "note", empty.pk) == ""
    assert decrypted(DataSubjectRequest, "overdue_reason", request.pk) == DELAY
    assert check_keys_read_existing_data() == []

    migration.staff_notes_encrypt(migration_apps, None)  # twice: the same words, still readable
    assert FulfilmentTask.objects.get(pk=task.pk).note == NOTE

    migration.staff_notes_decrypt(migration_apps, connection.schema_editor())
    assert (stored(FulfilmentTask, "note", task.pk), stored(FulfilmentTask, "note", empty.pk)) == (NOTE, "")
    assert stored(DataSubjectRequest, "overdue_reason", request.pk) == DELAY


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_both_ways():
    call_command("migrate", "dsr", "0011", verbosity=0)
    call_command("migrate", "dsr", verbosity=0)
