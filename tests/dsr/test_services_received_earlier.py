"""A request received before it is recorded (a paper form posted on Monday, typed in on Thursday) starts
both clocks on the day the bank received it; the recording time stays in the audit trail. Only staff
may say so, not into the future, and at most 30 days back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from audit.models import AuditEntry
from core.actors import Actor
from core.errors import InvalidInput
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from deadlines.policy import local_midnight
from dsr import services
from dsr.models import DataSubjectRequest, RequestClockEvent, RequestStatusChange
from dsr.services.receipt_times import RECEIVED_AT_MAX_DAYS_BACK, received_on_moment
from tests.dsr.factories import MONDAY, STAFF, end_of
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
THURSDAY = MONDAY + timedelta(days=3, hours=1)  # 12 March 2026, 10:00


def take_in(subject, *, actor=STAFF, received_at=MONDAY, now=THURSDAY, type="access"):
    return services.request_create(
        actor=actor, subject=subject, type=type, channel="paper_form", received_at=received_at, now=now
    )


def test_a_form_typed_in_on_thursday_has_its_clocks_from_monday(subject):
    request = take_in(subject)
    assert request.received_at == MONDAY
    # Bank: 72 hours; Law 91: acknowledge within 2 working days, answer an access request in 10 days.
    assert request.due_at == MONDAY + timedelta(hours=72)
    assert request.acknowledge_by == end_of(date(2026, 3, 11))
    assert request.statutory_due_at == end_of(date(2026, 3, 19))
    assert request.reference.startswith("YC-260309-")


def test_the_history_starts_at_receipt_and_the_trail_keeps_the_recording_time(subject):
    request = take_in(subject)
    received = RequestStatusChange.objects.get(request=request, new_status="received")
    started = RequestClockEvent.objects.get(request=request, kind="started")
    assert received.at == started.at == MONDAY
    entry = AuditEntry.objects.get(action="dsr.request.received", target_id=str(request.pk))
    assert entry.recorded_at == THURSDAY
    assert entry.data["received_at"] == MONDAY.isoformat()
    assert entry.data["recorded_at"] == THURSDAY.isoformat()
    clock = AuditEntry.objects.get(action="dsr.clock.started", target_id=str(request.pk))
    assert clock.recorded_at == THURSDAY


def test_without_a_receipt_time_the_request_is_received_when_recorded(subject):
    request = take_in(subject, received_at=None)
    assert request.received_at == THURSDAY
    assert request.due_at == THURSDAY + timedelta(hours=72)


def test_a_clock_already_run_out_at_recording_shows_late_at_once_and_is_breached(subject):
    recorded = MONDAY + timedelta(days=4)
    request = take_in(subject, type="withdraw", received_at=MONDAY, now=recorded)
    assert request.is_overdue(recorded)
    assert request.acknowledge_by < recorded
    deadlines_sweep(now=recorded + timedelta(minutes=1))
    breached = set(DeadlineBreach.objects.values_list("clock", flat=True))  # the only request
    assert {"due", "acknowledge"} <= breached


@pytest.mark.parametrize(
    "actor",
    [
        Actor(kind="customer", user_id=None, label="customer#1"),
        Actor(kind="client", user_id=None, label="corebank"),
        Actor.system("import"),
    ],
    ids=["customer", "client", "system"],
)
def test_only_staff_give_an_earlier_receipt(subject, actor):
    with pytest.raises(InvalidInput) as refused:
        services.request_create(
            actor=actor, subject=subject, type="access", channel="api", received_at=MONDAY, now=THURSDAY
        )
    assert refused.value.field == "received_at"
    assert not DataSubjectRequest.objects.exists()


def test_a_receipt_in_the_future_is_refused(subject):
    with pytest.raises(InvalidInput) as refused:
        take_in(subject, received_at=THURSDAY + timedelta(minutes=1))
    assert refused.value.field == "received_at"
    with translation.override("en"):
        assert "future" in refused.value.text
    assert not DataSubjectRequest.objects.exists()


def test_a_receipt_more_than_30_days_back_is_refused_and_30_days_is_taken(subject):
    assert RECEIVED_AT_MAX_DAYS_BACK == 30
    too_old = local_midnight(date(2026, 2, 10)) - timedelta(seconds=1)  # 9 February, 23:59:59
    with pytest.raises(InvalidInput) as refused:
        take_in(subject, received_at=too_old)
    assert refused.value.field == "received_at"
    with translation.override("en"):
        assert "30 days ago (the earliest is 2026-02-10)" in refused.value.text
    oldest = take_in(subject, received_at=local_midnight(date(2026, 2, 10)))
    assert oldest.received_at == local_midnight(date(2026, 2, 10))


def test_a_day_typed_on_the_form_is_received_at_its_start_and_today_when_saved():
    now = MONDAY + timedelta(hours=5)
    assert received_on_moment(date(2026, 3, 6), now=now) == local_midnight(date(2026, 3, 6))
    assert received_on_moment(date(2026, 3, 9), now=now) is None
    assert received_on_moment(None, now=now) is None


def test_the_queue_shows_a_request_late_at_once(officer, subject):
    now = timezone.now()
    request = take_in(subject, type="withdraw", received_at=now - timedelta(days=4), now=now)
    page = signed_in(officer).get("/en/portal/requests/?due=overdue")
    assert request.reference in page.content.decode()
    row = page.content.decode().split(request.reference)[0].rsplit("<tr", 1)[1]
    assert 'data-tone="danger"' in row
