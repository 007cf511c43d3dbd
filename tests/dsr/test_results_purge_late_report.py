"""A customer's own rectification is completed at once while each system applies it later: a system may
report (and return the record as it holds it) long after the request closed. What it returned is emptied
30 days after the later of the request's closing and its report (docs/requests.md, "What the systems
returned"); a task with nothing returned yet is not marked emptied."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from dsr.models import FulfilmentTask
from dsr.services import request_results_purge_expired, task_complete
from dsr.services.exports import EXPORT_AVAILABLE_FOR
from dsr.services.profile import address_update
from tests.dsr.factories import make_inventory

pytestmark = pytest.mark.django_db
RECORD = {
    "address_on_file": "12 Hang Bac, Ha Noi",
    "accounts": [{"number": "0011002233445", "balance": 912000000}],
}
REPORTED_ON_DAY = 40


@pytest.fixture
def rectification(customer_a):
    """The customer's new address, recorded as a completed rectification; one system's task still open."""
    make_inventory()
    now = timezone.now()
    request = address_update(
        actor=actor_for_user(customer_a), subject=customer_a.customer_account.subject, address="5 Trang Tien",
        now=now,
    )
    task = FulfilmentTask.objects.filter(request=request).first()
    assert task is not None and task.status == "open"
    return request, task, now


def _report_late(customer, task, now):
    reported = now + timedelta(days=REPORTED_ON_DAY)
    task_complete(actor=actor_for_user(customer), task_id=task.pk, result=RECORD, now=reported)
    return reported


def test_a_result_reported_after_the_window_is_emptied_30_days_after_the_report(customer_a, rectification):
    request, task, now = rectification
    # The nightly purges run while the system is slow to apply the change: nothing returned, nothing emptied.
    for day in range(1, REPORTED_ON_DAY):
        request_results_purge_expired(now=now + timedelta(days=day))
    task.refresh_from_db()
    assert task.result_purged_at is None
    reported = _report_late(customer_a, task, now)

    # Within 30 days of the report the DPO may still read it.
    assert request_results_purge_expired(now=reported + EXPORT_AVAILABLE_FOR - timedelta(hours=1)) == 0
    task.refresh_from_db()
    assert "912000000" in task.result

    purged = reported + EXPORT_AVAILABLE_FOR + timedelta(hours=1)
    assert request_results_purge_expired(now=purged) == 1
    task.refresh_from_db()
    assert "912000000" not in task.result and task.result_purged_at == purged
    entries = AuditEntry.objects.filter(action="dsr.request.results_purged", target_id=str(request.pk))
    assert [(entry.recorded_at, entry.data["task_results"]) for entry in entries] == [(purged, 1)]
    assert request_results_purge_expired(now=purged + timedelta(days=1)) == 0


def test_a_result_reported_after_a_purge_that_marked_its_open_task_is_emptied_all_the_same(
    customer_a, rectification
):
    """A task an earlier version's purge marked emptied while it was still open."""
    request, task, now = rectification
    marked = now + EXPORT_AVAILABLE_FOR + timedelta(days=1)
    FulfilmentTask.objects.filter(pk=task.pk).update(result="", result_purged_at=marked)
    reported = _report_late(customer_a, task, now)

    assert request_results_purge_expired(now=reported + EXPORT_AVAILABLE_FOR - timedelta(hours=1)) == 0
    purged = reported + EXPORT_AVAILABLE_FOR + timedelta(hours=1)
    assert request_results_purge_expired(now=purged) == 1
    task.refresh_from_db()
    assert "912000000" not in task.result and task.result_purged_at == purged
