"""GDPR Art. 12(3): one month from receipt, "extended by two further months". The two further months
run on from the end of the first (Regulation 1182/71: a period in months ends on the same date, or
the month's last day), so a request received on 31 January is due on 28 February and, extended, on
28 April: not 30 April, three months counted afresh from receipt, which an EU inspector holds late."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from deadlines.models import DeadlinePolicy
from deadlines.policy import deadlines_for

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VN)


@pytest.fixture
def gdpr_only():
    DeadlinePolicy.objects.filter(regime="eu_gdpr").update(active=True)
    DeadlinePolicy.objects.filter(regime="vn_law91").update(active=False)


def test_gdpr_month_ends_on_the_last_day_of_a_shorter_month(gdpr_only):
    deadlines = deadlines_for(request_type="access", received_at=datetime(2027, 1, 31, 10, tzinfo=VN))
    assert deadlines.statutory_due_at == end_of(date(2027, 2, 28))
    assert deadlines.regime == "eu_gdpr"


def test_gdpr_extension_adds_two_further_months_to_the_first(gdpr_only):
    deadlines = deadlines_for(
        request_type="access", received_at=datetime(2027, 1, 31, 10, tzinfo=VN), extended=True
    )
    assert deadlines.statutory_due_at == end_of(date(2027, 4, 28))

