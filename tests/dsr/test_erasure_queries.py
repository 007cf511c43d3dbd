"""The platform's erasure costs the same number of queries whatever the customer left behind: the copies
it empties (request details, replies, corrected values, withdrawal reasons, exports) are written a
set at a time, not one UPDATE per row. A customer with years of requests is erased in one short
transaction that holds the audit chain's lock."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.models import REASON_ERASED, ConsentEvent
from consents.services import consent_withdraw
from core.actors import Actor, actor_for_user
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask, RequestExport, RequestStatusChange
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, awaiting_customer, make_inventory, make_request, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
CUSTOMER = Actor(kind="customer", user_id=None, label="customer#1")


def _customer_with_history(count: int, tag: str) -> DataSubject:
    """A customer who left `count` of each copy the erasure empties (on closed requests: an open one
    keeps its copies until it closes)."""
    subject = make_subject()
    for n in range(count):
        complaint = make_request(subject, type="complaint", details=f"Tôi ở số {n} Lê Lợi")
        waiting = awaiting_customer(subject, type="access")
        services.request_customer_reply(
            actor=CUSTOMER, request_id=waiting.pk, subject=subject, text=f"Địa chỉ mới: số {n} Hàng Bài"
        )
        for request in (complaint, waiting):
            services.request_cancel(actor=STAFF, request_id=request.pk)
        verified_request(subject, type="rectify", corrections={"phone": f"09090{n:05d}", "address": "x"})
        consent = grant(subject, make_purpose(f"offers-{tag}-{n}", category="marketing"))
        consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch", reason=f"Chuyển nhà {n}")
        access = verified_request(subject, type="access")
        for task in FulfilmentTask.objects.filter(request=access):
            services.task_complete(actor=STAFF, task_id=task.pk, result={"card_count": n})
        services.request_complete(actor=STAFF, request_id=access.pk)
    return subject


def _deletion_queries(subject, privacy_officer, dpo) -> int:
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    services.request_approve(actor=actor_for_user(dpo), request_id=request.pk)
    with CaptureQueriesContext(connection) as queries:
        services.request_complete(actor=worker, request_id=request.pk)
    return len(queries)


def test_the_erasure_costs_the_same_queries_for_one_or_twenty_of_each_copy(privacy_officer, dpo):
    make_inventory()
    few, many = _customer_with_history(1, "few"), _customer_with_history(20, "many")
    assert _deletion_queries(many, privacy_officer, dpo) == _deletion_queries(few, privacy_officer, dpo)

    # And everything went, encrypted as before: the same values read back through the fields.
    requests = DataSubjectRequest.objects.filter(subject=many)
    assert {r.details for r in requests} == {""}
    corrected = [json.loads(r.corrections) for r in requests.filter(type="rectify")]
    assert len(corrected) == 20 and all(c == {"phone": "", "address": ""} for c in corrected)
    replies = RequestStatusChange.objects.filter(request__subject=many, actor_kind="customer")
    assert replies.count() == 20 and {c.note for c in replies} == {""}
    reasons = ConsentEvent.objects.filter(subject_id=many.pk, kind="withdrawn")
    assert {e.reason for e in reasons} == {REASON_ERASED} and reasons.count() == 20
    exports = RequestExport.objects.filter(request__subject=many)
    assert exports.count() == 20 and {(e.content, e.purged_at is not None) for e in exports} == {("", True)}
    with connection.cursor() as cursor:  # what is stored is ciphertext, not the plain values
        table = DataSubjectRequest._meta.db_table
        cursor.execute(
            f"SELECT corrections FROM {table} WHERE subject_id = %s AND type = %s",  # noqa: S608
            [many.pk.hex if connection.vendor == "sqlite" else many.pk, "rectify"],
        )
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 20 and not any("phone" in value for value in stored)
