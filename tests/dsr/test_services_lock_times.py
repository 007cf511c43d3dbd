"""A request service reads the clock once its locks are held (`dsr.services.base.request_locked`), so a
write that waited for another transaction holding the customer (or the request) is stamped after that
one committed. Before, most read `timezone.now()` first and then waited: the history showed the later
write earlier than the one it waited for, and deadlines were computed from a time already past."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import Actor
from dsr import services
from dsr.models import ContactChange, DataSubjectRequest, FulfilmentTask
from dsr.services.identity import OTP_VALID_FOR
from dsr.services.profile import address_update, contact_change_start
from subjects.models import DataSubject
from tests.concurrency import lock_waited_for, started_in_other_connection
from tests.dsr.factories import MONDAY, STAFF, answered_access, make_inventory, make_request, verified_request

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
CUSTOMER = Actor(kind="customer", user_id=None, label="customer in the app")


@dataclass
class Case:
    request: DataSubjectRequest | None
    call: object  # the write, run in another connection
    stamped: object  # after it: the time it recorded


def _extend(subject) -> Case:
    request = make_request(subject, now=timezone.now())
    return Case(
        request,
        lambda: services.request_extend(actor=STAFF, request_id=request.pk, note="Hệ thống lõi chậm"),
        lambda: DataSubjectRequest.objects.get(pk=request.pk).extended_at,
    )


def _assign(subject) -> Case:
    request = make_request(subject, now=timezone.now())
    return Case(
        request,
        lambda: services.request_assign(actor=STAFF, request_id=request.pk, assignee=None),
        lambda: AuditEntry.objects.get(action="dsr.request.assigned").recorded_at,
    )


def _overdue_reason(subject) -> Case:
    request = make_request(subject, now=MONDAY)  # long past its deadline
    return Case(
        request,
        lambda: services.request_overdue_reason_record(
            actor=STAFF, request_id=request.pk, reason="Chờ hệ thống lõi"
        ),
        lambda: DataSubjectRequest.objects.get(pk=request.pk).overdue_reason_at,
    )


def _otp_send(subject) -> Case:
    request = make_request(subject, now=timezone.now())
    return Case(
        request,
        lambda: services.request_identity_otp_send(actor=STAFF, request_id=request.pk),
        lambda: DataSubjectRequest.objects.get(pk=request.pk).identity_otp_expires_at - OTP_VALID_FOR,
    )


def _task_complete(subject) -> Case:
    make_inventory()
    request = verified_request(subject, type="access", now=timezone.now())
    task = request.tasks.order_by("system__code").first()
    return Case(
        request,
        lambda: services.task_complete(actor=STAFF, task_id=task.pk, result={"ok": True}),
        lambda: FulfilmentTask.objects.get(pk=task.pk).completed_at,
    )


def _export_download(subject) -> Case:
    request = answered_access(subject)
    return Case(
        None,
        lambda: services.export_download(actor=CUSTOMER, request=request, format="json"),
        lambda: AuditEntry.objects.get(action="dsr.export.downloaded").recorded_at,
    )


def _contact_change(subject) -> Case:
    return Case(
        None,
        lambda: contact_change_start(actor=CUSTOMER, subject=subject, field="email", value="moi@example.vn"),
        lambda: ContactChange.objects.get(subject=subject).created_at,
    )


def _address(subject) -> Case:
    return Case(
        None,
        lambda: address_update(actor=CUSTOMER, subject=subject, address="12 Tràng Tiền, Hà Nội"),
        lambda: DataSubjectRequest.objects.get(subject=subject, type="rectify").received_at,
    )


CASES = {
    "extend": _extend,
    "assign": _assign,
    "overdue_reason": _overdue_reason,
    "identity_code": _otp_send,
    "task_complete": _task_complete,
    "export_download": _export_download,
    "contact_change": _contact_change,
    "address": _address,
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_write_that_waited_for_the_lock_is_stamped_after_the_holder_committed(subject, name):
    case = CASES[name](subject)
    with transaction.atomic():
        # Another writer of this customer, holding what it holds until it commits: the customer's row,
        # then the request's.
        DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
        if case.request is not None:
            DataSubjectRequest.objects.select_for_update().get(pk=case.request.pk)
        thread, out = started_in_other_connection(case.call)
        waited = lock_waited_for(until=lambda: not thread.is_alive())
        time.sleep(0.2)
        holder_done: datetime = timezone.now()
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in out, out
    stamped = case.stamped()
    assert stamped >= holder_done, (stamped, holder_done)
    assert waited
