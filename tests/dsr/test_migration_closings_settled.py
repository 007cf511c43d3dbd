"""Migration dsr 0016: the requests closed before a closing recorded its missed deadlines are marked when
they missed none or every one they missed is on the register; one closed late with no register row is
left for the next sweep, which records it once. Runs on the historical registry and on today's."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest

from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr import services
from dsr.models import DataSubjectRequest
from tests.dsr.factories import STAFF, verified_request
from tests.migrations import imports_of_others, registries_after

pytestmark = pytest.mark.django_db

migration = importlib.import_module("dsr.migrations.0016_closings_settled")
migration_apps = registries_after(migration.Migration.dependencies)


def test_the_migration_imports_nothing_of_the_project():
    assert imports_of_others(migration) == []


def _refuse(request, *, at):
    services.request_reject(actor=STAFF, request_id=request.pk, reason="other", note="x", now=at)


def test_closings_with_nothing_left_to_record_are_marked(migration_apps, subject):
    in_time, recorded, unrecorded = (verified_request(subject, type="access") for _ in range(3))
    _refuse(in_time, at=in_time.due_at - timedelta(hours=1))
    _refuse(recorded, at=recorded.due_at + timedelta(hours=1))
    _refuse(unrecorded, at=unrecorded.due_at + timedelta(hours=1))
    DeadlineBreach.objects.filter(item_id__in=[str(unrecorded.pk), unrecorded.pk.hex]).delete()
    DataSubjectRequest.objects.update(missed_recorded_at=None)

    migration.mark_the_settled_closings(migration_apps, None)

    marked = dict(DataSubjectRequest.objects.values_list("pk", "missed_recorded_at"))
    assert marked[in_time.pk] is not None and marked[recorded.pk] is not None
    assert marked[unrecorded.pk] is None
    sweep = unrecorded.due_at + timedelta(hours=2)
    assert deadlines_sweep(now=sweep).breaches == 1
    assert deadlines_sweep(now=sweep + timedelta(minutes=1)).breaches == 0
