"""A holiday announced after requests were opened moves their working-day deadlines (never earlier
than a date already given), and the calendar warns before it runs out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import checks
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from deadlines.clocks import deadlines_sweep
from deadlines.models import CalendarDay, DeadlineBreach
from dsr import services
from dsr.models import RequestClockEvent
from dsr.reports import deadline_report
from dsr.selectors import calendar_runs_out_on
from dsr.services import policy as policy_services
from tests.dsr.factories import MONDAY, STAFF, end_of, make_request

pytestmark = pytest.mark.django_db


def test_a_late_holiday_moves_an_open_working_day_deadline(subject):
    complaint = make_request(subject, type="complaint")
    assert complaint.due_at == end_of(date(2026, 3, 30))
    assert complaint.acknowledge_by == end_of(date(2026, 3, 11))

    policy_services.calendar_day_set(
        actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù", now=MONDAY + timedelta(hours=2)
    )

    complaint.refresh_from_db()
    assert complaint.due_at == end_of(date(2026, 3, 31))
    assert complaint.acknowledge_by == end_of(date(2026, 3, 12))
    assert complaint.statutory_due_at == end_of(date(2026, 3, 24))  # calendar days: unchanged
    event = RequestClockEvent.objects.get(request=complaint, kind="calendar")
    assert event.due_at == complaint.due_at
    assert AuditEntry.objects.filter(action="dsr.clock.calendar", target_id=str(complaint.pk)).exists()


def test_removing_a_holiday_never_moves_a_deadline_earlier(subject):
    policy_services.calendar_day_set(
        actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù", now=MONDAY - timedelta(days=1)
    )
    complaint = make_request(subject, type="complaint")
    assert complaint.due_at == end_of(date(2026, 3, 31))
    day = CalendarDay.objects.get(date=date(2026, 3, 10))
    policy_services.calendar_day_remove(actor=STAFF, day_id=day.pk, now=MONDAY + timedelta(hours=2))
    complaint.refresh_from_db()
    assert complaint.due_at == end_of(date(2026, 3, 31))
    assert not RequestClockEvent.objects.filter(request=complaint, kind="calendar").exists()


def test_a_closed_request_is_left_alone(subject):
    complaint = make_request(subject, type="complaint")
    services.request_cancel(actor=STAFF, request_id=complaint.pk, now=MONDAY + timedelta(hours=1))
    policy_services.calendar_day_set(actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù")
    complaint.refresh_from_db()
    assert complaint.due_at == end_of(date(2026, 3, 30))


def test_the_calendar_warns_90_days_before_it_runs_out(client, dpo):
    last = date(CalendarDay.objects.order_by("-date").values_list("date", flat=True).first().year, 12, 31)
    assert calendar_runs_out_on(today=last - timedelta(days=91)) is None
    assert calendar_runs_out_on(today=last - timedelta(days=89)) == last

    today = timezone.localdate()
    CalendarDay.objects.create(date=today + timedelta(days=200), kind="holiday", name="Tết")
    assert [m for m in checks.run_checks() if m.id == "dsr.W001"] == []
    CalendarDay.objects.filter(date__year__gte=today.year).delete()  # covered up to last 31 December
    assert [m.id for m in checks.run_checks() if m.id == "dsr.W001"] == ["dsr.W001"]

    client.force_login(dpo)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert f'{reverse("dsr:policy")}#calendar' in page


def test_a_holiday_added_in_the_past_leaves_a_deadline_already_passed_as_it_was(subject):
    request = make_request(subject, type="complaint")
    assert request.acknowledge_by == end_of(date(2026, 3, 11))  # 2 working days
    thursday = MONDAY + timedelta(days=3, hours=1)
    deadlines_sweep(now=thursday)
    assert DeadlineBreach.objects.filter(clock="acknowledge").exists()

    # On Thursday the DPO adds last Tuesday as a holiday: the bank's 15 working days (still running) move,
    # the acknowledgement deadline that fell due on Wednesday stays passed.
    policy_services.calendar_day_set(actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù",
                                     now=thursday)
    request.refresh_from_db()
    assert request.acknowledge_by == end_of(date(2026, 3, 11))
    assert request.due_at == end_of(date(2026, 3, 31))
    services.request_acknowledge(actor=STAFF, request_id=request.pk, now=thursday + timedelta(hours=1))
    until = thursday + timedelta(hours=2)
    assert deadline_report(now=until, since=MONDAY, until=until)["totals"]["acknowledged_late"] == 1


def test_the_calendar_covers_the_whole_of_its_last_year():
    """A year's holidays entered cover that year to 31 December: the year's last holiday (late November)
    is not where the calendar ends, nor 90 days before it the moment to warn."""
    CalendarDay.objects.all().delete()
    CalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="Tết Dương lịch")
    CalendarDay.objects.create(date=date(2027, 11, 24), kind="holiday", name="Ngày Văn hóa")

    assert calendar_runs_out_on(today=date(2027, 9, 1)) is None
    assert calendar_runs_out_on(today=date(2027, 10, 15)) == date(2027, 12, 31)
