"""What the systems returned to a request that no export will carry (an access or copy request cancelled
or refused after the systems answered; a rectification, restriction or objection) is emptied by the
nightly purge once the request has been closed for the export's download window
(docs/requests.md, "What the systems returned"); a deletion's reports stay as its proof."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from dsr import services
from dsr.models import FulfilmentTask, RequestExport
from dsr.services.exports import EXPORT_AVAILABLE_FOR
from dsr.tasks import purge_expired_exports
from tests.dsr.factories import approved_deletion, make_inventory, verified_request

pytestmark = pytest.mark.django_db
BALANCES = {"accounts": [{"number": "0011002233445", "balance": 912000000}], "address": "12 Hang Bac, Ha Noi"}


def _answered(subject, worker, *, type, now):
    """A verified request of `type` whose core banking task returned the customer's data."""
    request = verified_request(subject, type=type, actor=worker, now=now)
    task = request.tasks.get(system__code="core_banking")
    services.task_complete(actor=worker, task_id=task.pk, result=BALANCES, now=now)
    return request, task


def _result(task) -> str:
    task.refresh_from_db()
    return task.result


def test_a_cancelled_access_requests_results_are_emptied_after_the_window(subject, privacy_officer):
    """Core banking returned the customer's accounts and address; the customer then cancelled. No
    export is built, so the export purge never reached them: ten years on the copy was still stored."""
    make_inventory()
    worker, now = actor_for_user(privacy_officer), timezone.now()
    request, task = _answered(subject, worker, type="access", now=now)
    services.request_cancel(actor=worker, request_id=request.pk, now=now)
    assert not RequestExport.objects.filter(request=request).exists()

    # Within the window the DPO may still read them (a complaint about the request).
    assert services.request_results_purge_expired(now=now + EXPORT_AVAILABLE_FOR - timedelta(hours=1)) == 0
    assert "912000000" in _result(task)

    later = now + EXPORT_AVAILABLE_FOR + timedelta(hours=1)
    assert services.request_results_purge_expired(now=later) == 1
    assert _result(task) == ""
    task.refresh_from_db()
    assert task.status == "done" and task.completed_at is not None
    entry = AuditEntry.objects.get(action="dsr.request.results_purged")
    # The tasks that returned something; the others, never worked, had nothing to empty and say so.
    assert entry.data == {"request": str(request.pk), "task_results": 1}
    assert not request.tasks.exclude(pk=task.pk).filter(result_purged_at__isnull=False).exists()
    assert entry.subject_id == subject.pk
    assert services.request_results_purge_expired(now=later) == 0


def test_a_refused_copy_requests_results_are_emptied(subject, privacy_officer):
    make_inventory()
    worker, now = actor_for_user(privacy_officer), timezone.now()
    request, task = _answered(subject, worker, type="copy", now=now)
    services.request_reject(
        actor=worker, request_id=request.pk, reason="manifestly_unfounded", note="Yêu cầu lặp lại", now=now
    )

    assert services.request_results_purge_expired(now=now + EXPORT_AVAILABLE_FOR + timedelta(hours=1)) == 1
    assert _result(task) == ""


@pytest.mark.parametrize("type", ["rectify", "restrict", "object"])
def test_other_requests_results_are_emptied_too(subject, privacy_officer, type):
    """A rectification's, restriction's or objection's tasks may return the record as the system holds
    it: no end was set for them either."""
    make_inventory()
    worker, now = actor_for_user(privacy_officer), timezone.now()
    request = verified_request(
        subject,
        type=type,
        actor=worker,
        now=now,
        **({"corrections": {"address": "5 Trang Tien"}} if type == "rectify" else {}),
    )
    task = request.tasks.first()
    services.task_complete(actor=worker, task_id=task.pk, result=BALANCES, now=now)
    services.request_cancel(actor=worker, request_id=request.pk, now=now)

    assert services.request_results_purge_expired(now=now + EXPORT_AVAILABLE_FOR + timedelta(hours=1)) == 1
    assert _result(task) == ""


def test_an_open_request_and_a_deletions_reports_stay(subject, privacy_officer, dpo):
    """An open request must stay answerable; a deletion's task reports are its proof."""
    make_inventory()
    worker, now = actor_for_user(privacy_officer), timezone.now()
    _, open_task = _answered(subject, worker, type="access", now=now)
    deletion = approved_deletion(subject, worker=worker, approver=actor_for_user(dpo))
    services.request_complete(actor=worker, request_id=deletion.pk)
    reports = FulfilmentTask.objects.filter(request=deletion)
    assert all(task.result for task in reports)

    assert services.request_results_purge_expired(now=now + timedelta(days=3650)) == 0
    assert "912000000" in _result(open_task)
    assert all(task.result for task in reports.all())


def test_the_nightly_job_reaches_them(subject, privacy_officer, monkeypatch):
    make_inventory()
    worker, now = actor_for_user(privacy_officer), timezone.now()
    request, task = _answered(
        subject, worker, type="access", now=now - EXPORT_AVAILABLE_FOR - timedelta(days=1)
    )
    services.request_cancel(
        actor=worker, request_id=request.pk, now=now - EXPORT_AVAILABLE_FOR - timedelta(days=1)
    )

    purge_expired_exports.apply()

    assert _result(task) == ""
    assert FulfilmentTask.objects.filter(request=request).count() == request.tasks.count()
