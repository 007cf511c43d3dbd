"""One lock order (`subjects.locks`): a write about a customer locks the customer's row first, then the
request, then the rest, and its audit entries, which lock the chain's one head row until commit, come
last. A consent grant and an import batch lock the customer first; verifying a restriction, objection
or withdrawal wrote its audit entries (the head) and only then locked the customer (or its consents),
and a calendar change its entry before the open requests, so two such writers at the same instant
waited for each other and PostgreSQL aborted one ("deadlock detected": a 500 for staff, a failed
job). A calendar change also waited for a customer whose request was taken in while it held the others,
out of id order, for a writer of several customers that held it and waited for theirs."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AuditChainHead
from audit.services import audit_record
from consents.models import ConsentStatus, ProcessingRestriction
from core.actors import Actor
from core.errors import Conflict
from deadlines.models import CalendarDay
from dsr import services
from dsr.models import DataSubjectRequest, RequestExport
from dsr.services import policy as policy_services
from subjects import locks
from subjects.models import DataSubject
from tests.concurrency import (
    held_in_other_connection,
    lock_waited_for,
    row_free,
    started_in_other_connection,
    waited_for_me,
)
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import MONDAY, STAFF, answered_access, end_of, make_request
from tests.factories import make_subject

# The holiday is announced while the complaint's clocks still run (a deadline already passed stays put).
ANNOUNCED = MONDAY + timedelta(hours=2)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _head_free() -> bool:
    """Can this transaction take the audit chain's head at once (nobody else wrote an entry yet)?"""
    try:
        with transaction.atomic():
            AuditChainHead.objects.select_for_update(nowait=True).filter(pk=1).first()
    except DatabaseError:
        return False
    return True


@pytest.mark.parametrize("type", ["restrict", "object", "withdraw"])
def test_verification_waits_for_the_customer_before_writing_anything(subject, type):
    purpose = make_purpose("lock-order-offers", category="marketing")
    grant(subject, purpose)
    request = make_request(subject, type=type, purposes=[purpose.code], now=timezone.now())
    with transaction.atomic():
        # A grant's first step (`consents.services.records.answer_start`): the customer's row.
        DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
        thread, verified = started_in_other_connection(
            lambda: services.request_verify_identity(
                actor=STAFF, request_id=request.pk, method="branch_documents",
                document_number=subject.national_id,
            )
        )
        assert lock_waited_for(until=lambda: not thread.is_alive()), verified
        # It waits on the customer holding nothing a grant needs next: not the chain's head.
        assert _head_free()
        # The grant's audit entry: before, the verification held the head and this waited for it.
        audit_record(action="consents.consent.granted", actor=Actor.system("tests"), subject=subject)
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in verified, verified
    request.refresh_from_db()
    assert request.status == "in_progress"
    if type == "withdraw":
        assert not subject.consents.filter(status=ConsentStatus.GRANTED).exists()
    else:
        assert ProcessingRestriction.objects.filter(subject=subject, lifted_at__isnull=True).exists()


def test_a_verification_and_a_grant_at_the_same_instant_both_commit(subject):
    """The same without a held lock: both services side by side, many times (before: now and then one
    of them failed with "deadlock detected")."""
    purposes = [make_purpose(f"lock-race-{i}", category="marketing") for i in range(6)]
    for purpose in purposes:
        barrier = threading.Barrier(2)
        request = make_request(subject, type="object", purposes=[purpose.code], now=timezone.now())

        def verify(request=request, barrier=barrier):
            barrier.wait()
            return services.request_verify_identity(
                actor=STAFF, request_id=request.pk, method="branch_documents",
                document_number=subject.national_id,
            )

        def answer(purpose=purpose, barrier=barrier):
            barrier.wait()
            return grant(subject, purpose)

        started = [started_in_other_connection(verify), started_in_other_connection(answer)]
        for thread, _out in started:
            thread.join(60)
        outcomes = [out for _thread, out in started]
        assert all("error" not in outcome for outcome in outcomes), outcomes
    assert DataSubjectRequest.objects.filter(subject=subject, status="in_progress").count() == len(purposes)


def test_a_calendar_change_waits_for_the_requests_before_writing_anything(subject):
    """A holiday announced while staff move a request: the calendar change locked the open requests
    after its own audit entry, so the move's entry (the head) and the calendar's request waited for
    each other."""
    complaint = make_request(subject, type="complaint", now=MONDAY)
    with transaction.atomic():
        # A staff move's first steps: the customer, then the request.
        DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
        DataSubjectRequest.objects.select_for_update().get(pk=complaint.pk)
        thread, changed = started_in_other_connection(
            lambda: policy_services.calendar_day_set(
                actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù", now=ANNOUNCED
            )
        )
        assert lock_waited_for(until=lambda: not thread.is_alive()), changed
        assert _head_free()
        audit_record(action="dsr.request.assigned", actor=STAFF, subject=subject, target=complaint)
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in changed, changed
    complaint.refresh_from_db()
    assert complaint.due_at == end_of(date(2026, 3, 31))


@contextmanager
def _calendar_change_waiting(held_customer, joining_customer) -> Iterator[tuple]:
    """A holiday announced while another connection holds `held_customer`, one of whose open requests
    its day crosses; once the calendar change waits, a request of `joining_customer` is taken in. Yields
    the calendar change's outcome (what it returned or raised, once it ends), its thread, the function
    that lets `held_customer` go, and the two requests; on the way out, the calendar change has ended."""
    held = make_request(held_customer, type="complaint", now=MONDAY)
    with held_in_other_connection(held_customer) as let_go:
        thread, changed = started_in_other_connection(
            lambda: policy_services.calendar_day_set(
                actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù", now=ANNOUNCED
            )
        )
        assert lock_waited_for(until=lambda: not thread.is_alive()), changed
        taken_in = make_request(joining_customer, type="complaint", now=MONDAY)
        yield changed, thread, let_go, [held, taken_in]
    thread.join(60)
    assert not thread.is_alive()


def test_a_calendar_change_locks_the_customer_of_a_request_taken_in_while_it_waited(subject):
    """A holiday announced reads the customers of the open requests its day crosses, then waits for
    them; a request taken in meanwhile for another customer joins those requests, and the calendar
    change locked it without its customer while a service of that customer held the customer and the
    audit chain's head."""
    other = make_subject()
    with _calendar_change_waiting(subject, other) as (changed, thread, let_go, requests):
        with transaction.atomic():
            # A service of the other customer: its row, then an entry (the chain's head).
            DataSubject.objects.select_for_update(no_key=True).get(pk=other.pk)
            audit_record(action="dsr.request.assigned", actor=STAFF, subject=other, target=requests[1])
            let_go()
            assert lock_waited_for(until=lambda: not thread.is_alive()), changed
            assert row_free(requests[1]), "it holds the request while it waits for the head"
    assert "error" not in changed, changed
    for request in requests:
        request.refresh_from_db()
        assert request.due_at == end_of(date(2026, 3, 31))


def _calendar_change_with_a_late_customer_a_suspension_holds(subject) -> tuple[dict, bool, list]:
    """A holiday announced holds the customer of the requests its day crosses; a request taken in
    meanwhile for a customer earlier in id order joins them, and a suspension covering both customers
    locks the earlier one, then the later. Returns what the calendar change returned or raised, whether
    it waited for the suspension, and the two requests. Fails when the suspension could not take the
    later customer."""
    first, second = sorted([subject, make_subject()], key=lambda customer: customer.pk)
    with _calendar_change_waiting(second, first) as (changed, thread, let_go, requests):
        with transaction.atomic():
            # A suspension's first steps: its customers in id order, the earlier one taken.
            DataSubject.objects.select_for_update(no_key=True).get(pk=first.pk)
            let_go()
            waited = waited_for_me(until=lambda: not thread.is_alive())
            try:
                with transaction.atomic():
                    DataSubject.objects.select_for_update(no_key=True).get(pk=second.pk)
            except DatabaseError as error:
                pytest.fail(f"the calendar change held the later customer: {error}")
    return changed, waited, requests


def test_a_calendar_change_never_waits_for_a_late_customer_while_holding_the_others(subject):
    """The calendar change waited for the earlier customer while holding the later: PostgreSQL aborted
    one of them ("deadlock detected"). It now lets everything go, then locks both in id order."""
    changed, waited, requests = _calendar_change_with_a_late_customer_a_suspension_holds(subject)
    assert waited
    assert "error" not in changed, changed
    for request in requests:
        request.refresh_from_db()
        assert request.due_at == end_of(date(2026, 3, 31))


def test_a_calendar_change_that_keeps_meeting_held_late_customers_gives_up_whole(subject, monkeypatch):
    monkeypatch.setattr(locks, "LATE_CUSTOMER_ROUNDS", 1)
    changed, _waited, requests = _calendar_change_with_a_late_customer_a_suspension_holds(subject)
    assert isinstance(changed.get("error"), Conflict), changed
    assert changed["error"].code == "customers_busy"
    assert not CalendarDay.objects.filter(date=date(2026, 3, 10)).exists()
    for request in requests:
        due_at = request.due_at
        request.refresh_from_db()
        assert request.due_at == due_at


def test_the_export_purge_leaves_a_held_customer_for_its_next_run(subject):
    """A deletion being completed holds the customer, writes its entries, then purges the customer's
    exports; the nightly purge locked the exports first and then waited for the head."""
    request = answered_access(subject)
    export = RequestExport.objects.get(request=request)
    later = export.expires_at + timedelta(minutes=1)
    with transaction.atomic():
        DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
        audit_record(action="dsr.request.transitioned", actor=STAFF, subject=subject, target=request)
        thread, purged = started_in_other_connection(lambda: services.exports_purge_expired(now=later))
        lock_waited_for(until=lambda: not thread.is_alive(), timeout=5)
        try:
            with transaction.atomic():
                RequestExport.objects.select_for_update(nowait=True).filter(pk=export.pk).first()
        except DatabaseError:
            pytest.fail("the purge holds the customer's export while it waits")
    thread.join(60)
    assert not thread.is_alive()
    assert purged == {"value": 0}
    assert services.exports_purge_expired(now=later) == 1
