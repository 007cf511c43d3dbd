"""A holiday announced late can hand a request's statutory deadline from one law to another: Law 91's
complaint clock, which this bank's DPO counts in working days, moves past PBOC's calendar days, which
end on the date Law 91's did. The request then names PBOC as the regime of its statutory date, as a
fresh computation would, and the clock history says so."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deadlines.models import DeadlinePolicy
from deadlines.policy import deadlines_for
from dsr.services import policy as policy_services
from tests.dsr.factories import MONDAY, STAFF, end_of, make_request

pytestmark = pytest.mark.django_db


def test_a_holiday_that_hands_the_statutory_date_to_pboc_names_pboc(subject):
    DeadlinePolicy.objects.filter(regime="cn_pipl", request_type="complaint").update(active=True, period=14)
    # From Monday 9 March 2026: Law 91 in 10 working days and PBOC's 14 days both end on 23 March.
    DeadlinePolicy.objects.filter(regime="vn_law91", request_type="complaint").update(
        period=10, unit="working_days"
    )
    complaint = make_request(subject, type="complaint")
    assert (complaint.statutory_due_at, complaint.statutory_regime) == (end_of(date(2026, 3, 23)), "vn_law91")

    policy_services.calendar_day_set(
        actor=STAFF, day=date(2026, 3, 10), kind="holiday", name="Nghỉ bù", now=MONDAY + timedelta(hours=2)
    )

    complaint.refresh_from_db()
    assert complaint.statutory_due_at == end_of(date(2026, 3, 23))
    assert complaint.statutory_regime == "cn_pipl"
    assert deadlines_for(request_type="complaint", received_at=MONDAY).regime == "cn_pipl"
    event = complaint.clock_events.get(kind="calendar")
    assert event.statutory_regime == "cn_pipl"
