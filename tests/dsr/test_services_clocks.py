"""Intake starts both clocks; acknowledgement, pauses, resumption and extension are recorded and audited."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from core.errors import Conflict
from deadlines.models import DeadlinePolicy
from dsr import services
from dsr.models import RequestClockEvent
from tests.dsr.factories import MONDAY, STAFF, make_request, verified_request

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def end_of(day):
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VN)


def kinds(request):
    return list(RequestClockEvent.objects.filter(request=request).values_list("kind", flat=True))


def test_intake_starts_both_clocks(subject):
    request = make_request(subject, type="access")
    assert request.status == "received"
    assert request.due_at == MONDAY + timedelta(hours=72)
    assert request.statutory_due_at == end_of(date(2026, 3, 19))
    assert request.acknowledge_by == end_of(date(2026, 3, 11))
    assert request.statutory_regime == "vn_law91"
    assert kinds(request) == ["started"]
    assert AuditEntry.objects.filter(action="dsr.clock.started", target_id=str(request.pk)).exists()
    assert AuditEntry.objects.filter(action="dsr.request.received", subject_id=subject.pk).exists()


def test_complaint_received_before_tet_skips_the_holidays(subject):
    request = make_request(subject, type="complaint", now=datetime(2026, 2, 12, 9, 0, tzinfo=VN))
    assert request.due_at == end_of(date(2026, 3, 12))


def test_complaint_over_a_weekend_counts_working_days(subject):
    request = make_request(subject, type="complaint", now=datetime(2026, 3, 6, 16, 0, tzinfo=VN))
    assert request.due_at == end_of(date(2026, 3, 27))


def test_acknowledgement_is_recorded(subject):
    request = make_request(subject)
    acknowledged = services.request_acknowledge(
        actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2)
    )
    assert acknowledged.status == "verifying_identity"
    assert acknowledged.acknowledged_at == MONDAY + timedelta(hours=2)
    assert kinds(request) == ["started", "acknowledged"]
    assert AuditEntry.objects.filter(action="dsr.clock.acknowledged").count() == 1


def test_pause_while_awaiting_the_customer_pushes_only_the_bank_deadline(subject):
    request = verified_request(subject, type="access")
    due, statutory = request.due_at, request.statutory_due_at
    services.request_transition(
        actor=STAFF,
        request_id=request.pk,
        to="awaiting_customer",
        note="Xin bản sao CCCD",
        now=MONDAY + timedelta(hours=1),
    )
    resumed = services.request_transition(
        actor=STAFF, request_id=request.pk, to="in_progress", now=MONDAY + timedelta(hours=11)
    )
    assert resumed.paused_seconds == 10 * 3600
    assert resumed.due_at == due + timedelta(hours=10)
    assert resumed.statutory_due_at == statutory  # Law 91: no pause
    assert kinds(request)[-2:] == ["paused", "resumed"]
    for action in ("dsr.clock.paused", "dsr.clock.resumed"):
        assert AuditEntry.objects.filter(action=action, target_id=str(request.pk)).exists()


def test_no_pause_where_the_policy_forbids_it(subject):
    DeadlinePolicy.objects.filter(request_type="access").update(pausable=False)
    request = verified_request(subject, type="access")
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", now=MONDAY + timedelta(hours=1)
    )
    resumed = services.request_transition(
        actor=STAFF, request_id=request.pk, to="in_progress", now=MONDAY + timedelta(hours=11)
    )
    assert resumed.due_at == MONDAY + timedelta(hours=72)
    assert "paused" not in kinds(request)


def test_extension_once_with_a_reason(subject):
    request = make_request(subject, type="access")
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống cần tra cứu", now=MONDAY + timedelta(days=1)
    )
    assert extended.statutory_due_at == end_of(date(2026, 3, 29))
    assert kinds(request)[-1] == "extended"
    with pytest.raises(Conflict):
        services.request_extend(actor=STAFF, request_id=request.pk, note="Lần nữa")


def test_closing_stops_the_clock(subject):
    request = make_request(subject)
    services.request_cancel(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))
    assert kinds(request)[-1] == "stopped"
