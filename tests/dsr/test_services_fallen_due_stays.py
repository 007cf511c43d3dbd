"""A deadline that has fallen due stays where it was, whatever recomputes the request's clocks after
it: a holiday added in the past (tests/dsr/test_services_calendar_changes.py), a pause ending, a pause
beginning, the extension or a processor joining. The breach happened; no recomputation undoes it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import translation

from core.errors import Conflict
from deadlines.models import DeadlinePolicy
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.services import policy as policy_services
from dsr.services.base import clock_processor_involved, request_locked
from tests.dsr.factories import MONDAY, STAFF, VN, end_of, verified_request

pytestmark = pytest.mark.django_db
# A complaint received on Monday 9 March 2026: the bank's 15 working days end on 30 March.
COMPLAINT_DUE = end_of(date(2026, 3, 30))
AFTER_IT = datetime(2026, 3, 31, 10, 0, tzinfo=VN)
ACCESS_BANK_DUE = MONDAY + timedelta(hours=72)  # Thursday 12 March, 09:00
FRIDAY = datetime(2026, 3, 13, 10, 0, tzinfo=VN)


def _complaint_with_a_holiday_added_after_its_deadline(subject) -> DataSubjectRequest:
    """The complaint, its bank deadline passed, and then 10 March declared a holiday: recomputed from
    today's calendar its 15 working days would end a day later."""
    complaint = verified_request(subject, type="complaint")
    assert complaint.due_at == COMPLAINT_DUE
    policy_services.calendar_day_set(actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù",
                                     now=AFTER_IT)
    complaint.refresh_from_db()
    assert complaint.due_at == COMPLAINT_DUE
    return complaint


def _move(request, to, *, now):
    return services.request_transition(actor=STAFF, request_id=request.pk, to=to, note="Xin bản sao", now=now)


def _processor_involved(request, *, now):
    with transaction.atomic():
        locked, now = request_locked(request.pk, now=now)
        clock_processor_involved(locked, actor=STAFF, now=now)
    locked.refresh_from_db()
    return locked


def test_a_resumption_leaves_a_deadline_that_fell_due_before_the_pause(subject):
    complaint = _complaint_with_a_holiday_added_after_its_deadline(subject)
    _move(complaint, "awaiting_customer", now=AFTER_IT)
    resumed = _move(complaint, "in_progress", now=AFTER_IT + timedelta(days=1))
    assert resumed.due_at == COMPLAINT_DUE
    assert resumed.is_overdue(AFTER_IT + timedelta(days=1))


def test_a_processor_joining_leaves_a_deadline_that_fell_due(subject):
    complaint = _complaint_with_a_holiday_added_after_its_deadline(subject)
    involved = _processor_involved(complaint, now=AFTER_IT + timedelta(hours=1))
    assert involved.processor_involved
    assert involved.due_at == COMPLAINT_DUE


def test_a_processor_joining_after_the_statutory_deadline_leaves_it(subject):
    """A rectification: Law 91's 10 days, 15 when a processor must act; the 10 had run out."""
    request = verified_request(subject, type="rectify")
    law_due = end_of(date(2026, 3, 19))
    assert request.statutory_due_at == law_due
    involved = _processor_involved(request, now=law_due + timedelta(hours=2))
    assert involved.statutory_due_at == law_due


def test_a_pause_after_the_statutory_deadline_neither_clears_nor_moves_it(subject):
    """Law 91's clock made pausable: a pause stops it only while it has time left. Recomputed (a
    processor has since joined) it would still have time, but the deadline given had run out."""
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="rectify").update(pausable=True)
    request = verified_request(subject, type="rectify")
    law_due = end_of(date(2026, 3, 19))
    _processor_involved(request, now=law_due + timedelta(hours=1))
    paused = _move(request, "awaiting_customer", now=law_due + timedelta(hours=2))
    assert paused.statutory_due_at == law_due
    resumed = _move(request, "in_progress", now=law_due + timedelta(days=2))
    assert resumed.statutory_due_at == law_due


def test_the_extension_leaves_a_bank_deadline_that_fell_due_and_extends_the_law_s(subject):
    DeadlinePolicy.objects.filter(regime="bank", request_type="access").update(extension_period=48)
    request = verified_request(subject, type="access")
    extended = services.request_extend(actor=STAFF, request_id=request.pk, note="Cần tra soát", now=FRIDAY)
    assert extended.due_at == ACCESS_BANK_DUE
    assert extended.statutory_due_at == end_of(date(2026, 3, 29))  # Law 91's 10 days, and 10 more


def test_the_extension_is_refused_once_the_only_deadline_fell_due(subject):
    """No statutory row applies: the bank's deadline is the period, and it has run out."""
    DeadlinePolicy.objects.filter(request_type="access").exclude(regime="bank").update(active=False)
    DeadlinePolicy.objects.filter(regime="bank", request_type="access").update(extension_period=48)
    request = verified_request(subject, type="access")
    assert request.statutory_due_at is None
    with pytest.raises(Conflict) as refused:
        services.request_extend(actor=STAFF, request_id=request.pk, note="Cần tra soát", now=FRIDAY)
    assert refused.value.code == "extension_too_late"
    with translation.override("en"):
        assert refused.value.text.startswith("The bank's deadline has passed")
    request.refresh_from_db()
    assert (request.due_at, request.extended_at) == (ACCESS_BANK_DUE, None)


def test_the_extension_before_the_bank_deadline_still_extends_it(subject):
    DeadlinePolicy.objects.filter(regime="bank", request_type="access").update(extension_period=48)
    request = verified_request(subject, type="access")
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Cần tra soát", now=ACCESS_BANK_DUE - timedelta(hours=1)
    )
    assert extended.due_at == ACCESS_BANK_DUE + timedelta(hours=48)
