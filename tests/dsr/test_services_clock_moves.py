"""How a request's two clocks move (domain notes, "two clocks"): a pause ends on every move out of
waiting for the customer, the final answer included; the law's extension moves only the clocks whose
row has one; a request keeps the deadline policy in force when it was received, whatever the DPO edits
afterwards; and a recompute never brings a date forward."""

from __future__ import annotations

import importlib
import json
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps as django_apps

from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach, DeadlinePolicy
from dsr import services
from dsr.models import DataSubjectRequest, RequestClockEvent, System
from dsr.reports import deadline_report
from dsr.services.policy import deadline_policy_update
from integrations.delivery import render_email
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF, end_of, make_request, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

BANK_72_HOURS = MONDAY + timedelta(hours=72)  # Thu 12 Mar 09:00
BEFORE = MONDAY - timedelta(days=1)  # a policy edit made before the requests the test receives
LAW_10_DAYS = end_of(date(2026, 3, 19))
LAW_EXTENDED = end_of(date(2026, 3, 29))


def _policy_row(regime: str, request_type: str) -> DeadlinePolicy:
    return DeadlinePolicy.objects.get(regime=regime, request_type=request_type, active=True)


def _pause_and_resume(request, *, paused_at, resumed_at):
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD", now=paused_at
    )
    return services.request_transition(actor=STAFF, request_id=request.pk, to="in_progress", now=resumed_at)


# ------------------------------------------------------------------ a pause ends with the final answer


def test_a_request_closed_while_paused_is_judged_against_its_paused_bank_deadline(subject):
    """The bank's clock stood still 4 days 23 hours awaiting the customer, then the request is refused
    on day 5: by the bank's own pause rule its deadline moved as long, so it was answered in time."""
    request = verified_request(subject, type="access")
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD",
        now=MONDAY + timedelta(hours=1),
    )
    # The requester was verified: the refusal gives its own reason, not a failed identity check.
    closed = services.request_reject(
        actor=STAFF, request_id=request.pk, reason="other", note="Khách hàng không gửi giấy tờ được yêu cầu",
        now=MONDAY + timedelta(days=5),
    )
    closed.refresh_from_db()
    paused = timedelta(days=5) - timedelta(hours=1)
    assert closed.paused_seconds == int(paused.total_seconds())
    assert closed.due_at == BANK_72_HOURS + paused
    assert closed.statutory_due_at == LAW_10_DAYS  # Law 91: no pause
    assert not closed.closed_late
    report = deadline_report(now=MONDAY + timedelta(days=6), since=MONDAY, until=MONDAY + timedelta(days=6))
    assert report["totals"]["closed_on_time"] == 1
    # The end of the pause is a clock event with the moved deadline, before the clock stops.
    kinds = list(RequestClockEvent.objects.filter(request=closed).values_list("kind", "due_at"))
    assert kinds[-2:] == [("resumed", closed.due_at), ("stopped", closed.due_at)]


def test_a_request_cancelled_while_paused_ends_its_pause_too(subject):
    request = verified_request(subject, type="access")
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="Xin bản sao CCCD",
        now=MONDAY + timedelta(hours=1),
    )
    cancelled = services.request_cancel(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=3))
    cancelled.refresh_from_db()
    assert cancelled.paused_at is None
    assert cancelled.due_at == BANK_72_HOURS + timedelta(hours=2)


# ------------------------------------------------------------------ the extension moves only its rows


def test_the_law_extension_does_not_move_the_bank_commitment(subject):
    request = verified_request(subject, type="access")
    assert _policy_row("bank", "access").extension_period is None
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống", now=MONDAY + timedelta(hours=10)
    )
    extended.refresh_from_db()
    assert extended.statutory_due_at == LAW_EXTENDED
    assert extended.due_at == BANK_72_HOURS
    assert extended.answer_by == BANK_72_HOURS  # the earlier of the two still binds
    event = RequestClockEvent.objects.get(request=request, kind="extended")
    assert (event.due_at, event.statutory_due_at) == (BANK_72_HOURS, LAW_EXTENDED)


def test_a_bank_row_with_an_extension_of_its_own_moves_with_the_law(subject):
    bank = _policy_row("bank", "access")
    deadline_policy_update(actor=STAFF, policy_id=bank.pk, changes={"extension_period": 48}, now=BEFORE)
    request = verified_request(subject, type="access")
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống", now=MONDAY + timedelta(hours=10)
    )
    assert extended.due_at == BANK_72_HOURS + timedelta(hours=48)
    assert extended.statutory_due_at == LAW_EXTENDED


def test_the_extension_email_tells_the_customer_the_extended_legal_date(subject):
    request = make_request(subject, type="access")
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống", now=MONDAY + timedelta(days=4)
    )
    message = OutboxMessage.objects.get(topic="dsr.customer.extended")
    context = json.loads(message.payload)["context"]
    # What was extended is the law's date; the bank's passed 72 hours are not quoted as a new date.
    assert extended.statutory_due_at == LAW_EXTENDED
    assert datetime.fromisoformat(context["statutory_due_at"]) == LAW_EXTENDED
    body = render_email(message).body
    assert "29/03/2026" in body
    assert "12/03/2026" not in body


def test_the_extension_email_still_quotes_the_bank_date_that_binds():
    """The law's date moves, the bank's 72 hours (no extension in its row) still run: the customer is
    told the date that binds (`answer_by`), the legal one beside it."""
    request = make_request(make_subject(preferred_language="en"), type="access")
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống", now=MONDAY + timedelta(hours=1)
    )
    assert extended.answer_by == BANK_72_HOURS
    body = render_email(OutboxMessage.objects.get(topic="dsr.customer.extended")).body
    assert "we will still answer by 12/03/2026" in body
    assert "29/03/2026" in body


def test_a_request_late_on_the_bank_clock_is_not_on_time_after_the_law_extension(subject):
    """The bank's 72 hours (no extension in its row) passed and are in the breach register; the law's
    extension afterwards does not make the answer on time."""
    request = verified_request(subject, type="access")
    assert deadlines_sweep(now=MONDAY + timedelta(hours=73)).breaches == 1
    assert DeadlineBreach.objects.get(clock="due").due_at == BANK_72_HOURS
    services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống", now=MONDAY + timedelta(hours=100)
    )
    closed = services.request_complete(
        actor=STAFF, request_id=request.pk, overdue_reason="Nhiều hệ thống", now=MONDAY + timedelta(days=6)
    )
    closed.refresh_from_db()
    assert closed.due_at == BANK_72_HOURS
    assert closed.closed_late
    report = deadline_report(now=MONDAY + timedelta(days=7), since=MONDAY, until=MONDAY + timedelta(days=7))
    assert report["totals"]["closed_on_time"] == 0
    assert report["totals"]["closed_within_law"] == 1


# ------------------------------------------------------------------ the policy in force at intake


def test_a_policy_edit_after_intake_does_not_move_an_open_requests_statutory_clock(subject):
    request = verified_request(subject, type="access")
    assert request.statutory_due_at == LAW_10_DAYS
    deadline_policy_update(actor=STAFF, policy_id=_policy_row("vn_law91", "access").pk, changes={"period": 5})
    resumed = _pause_and_resume(
        request, paused_at=MONDAY + timedelta(hours=1), resumed_at=MONDAY + timedelta(hours=2)
    )
    # Law 91: no pause; and the law for this request did not change.
    assert resumed.statutory_due_at == LAW_10_DAYS


def test_a_shortened_bank_row_does_not_bring_an_open_requests_date_forward(subject):
    request = verified_request(subject, type="access")
    deadline_policy_update(actor=STAFF, policy_id=_policy_row("bank", "access").pk, changes={"period": 24})
    resumed = _pause_and_resume(
        request, paused_at=MONDAY + timedelta(hours=1), resumed_at=MONDAY + timedelta(hours=2)
    )
    assert resumed.due_at == BANK_72_HOURS + timedelta(hours=1)


def test_a_policy_edit_does_not_change_an_open_requests_extension_or_pause(subject):
    request = verified_request(subject, type="access")
    deadline_policy_update(
        actor=STAFF, policy_id=_policy_row("vn_law91", "access").pk, changes={"extension_period": 3}
    )
    deadline_policy_update(
        actor=STAFF, policy_id=_policy_row("bank", "access").pk, changes={"pausable": False}
    )
    resumed = _pause_and_resume(
        request, paused_at=MONDAY + timedelta(hours=1), resumed_at=MONDAY + timedelta(hours=5)
    )
    assert resumed.due_at == BANK_72_HOURS + timedelta(hours=4)
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống", now=MONDAY + timedelta(hours=6)
    )
    assert extended.statutory_due_at == LAW_EXTENDED


def test_a_processor_period_edited_after_intake_does_not_apply_to_the_request(subject):
    System.objects.create(
        code="card_printer", name_vi="Card printing bureau", is_processor=True, request_types=["delete"]
    )
    request = make_request(subject, type="delete")
    deadline_policy_update(
        actor=STAFF, policy_id=_policy_row("vn_law91", "delete").pk, changes={"processor_period": 40}
    )
    verified = services.request_verify_identity(
        actor=STAFF, request_id=request.pk, method="branch_documents", document_number=subject.national_id,
        now=MONDAY + timedelta(hours=1),
    )
    assert verified.processor_involved
    assert verified.statutory_due_at == end_of(date(2026, 4, 8))  # 30 days, as when it was received


def test_requests_received_after_the_edit_follow_it(subject):
    deadline_policy_update(
        actor=STAFF, policy_id=_policy_row("bank", "access").pk, changes={"period": 24}, now=BEFORE
    )
    request = verified_request(subject, type="access")
    resumed = _pause_and_resume(
        request, paused_at=MONDAY + timedelta(hours=1), resumed_at=MONDAY + timedelta(hours=2)
    )
    assert resumed.due_at == MONDAY + timedelta(hours=25)


def test_a_recompute_never_brings_a_date_given_to_the_customer_forward(subject):
    """A request extended under the earlier rule (its bank date followed the extended law's) keeps that
    date when its clock next moves, as a calendar change already would."""
    request = verified_request(subject, type="access")
    services.request_extend(actor=STAFF, request_id=request.pk, note="x", now=MONDAY + timedelta(hours=1))
    DataSubjectRequest.objects.filter(pk=request.pk).update(due_at=LAW_EXTENDED)  # as the earlier rule did
    resumed = _pause_and_resume(
        request, paused_at=MONDAY + timedelta(hours=2), resumed_at=MONDAY + timedelta(hours=3)
    )
    assert resumed.due_at == LAW_EXTENDED
    assert resumed.statutory_due_at == LAW_EXTENDED


def test_the_migration_gives_each_open_request_the_policy_its_clocks_were_computed_from(subject):
    migration = importlib.import_module("dsr.migrations.0005_deadline_policy_at_receipt")
    open_request = verified_request(subject, type="access")
    closed = make_request(subject, type="complaint")
    services.request_cancel(actor=STAFF, request_id=closed.pk, now=MONDAY + timedelta(hours=1))
    at_intake = DataSubjectRequest.objects.get(pk=open_request.pk).deadline_policy
    assert {row["regime"] for row in at_intake} == {"bank", "vn_law91"}
    DataSubjectRequest.objects.update(deadline_policy=[])  # a database before the migration

    migration.keep_the_policy_of_open_requests(django_apps, None)

    assert DataSubjectRequest.objects.get(pk=open_request.pk).deadline_policy == at_intake
    assert DataSubjectRequest.objects.get(pk=closed.pk).deadline_policy == []  # never recomputed
    deadline_policy_update(actor=STAFF, policy_id=_policy_row("vn_law91", "access").pk, changes={"period": 5})
    resumed = _pause_and_resume(
        open_request, paused_at=MONDAY + timedelta(hours=1), resumed_at=MONDAY + timedelta(hours=2)
    )
    assert (resumed.due_at, resumed.statutory_due_at) == (BANK_72_HOURS + timedelta(hours=1), LAW_10_DAYS)
