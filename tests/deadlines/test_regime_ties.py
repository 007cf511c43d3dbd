"""When two laws give the same statutory deadline, the request is timed by Vietnam's: Law 91's 15 days
for a complaint end with PBOC's 15 days, and a Vietnamese inspector reading the request, its clock
history or the proof bundle must not find the date credited to Chinese law (nor, in a 30-day month,
to the GDPR's month)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from deadlines.models import DeadlinePolicy
from deadlines.policy import deadlines_for

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_complaint_under_law_91_and_pboc_alike_names_law_91():
    DeadlinePolicy.objects.filter(regime="cn_pipl").update(active=True)
    deadlines = deadlines_for(request_type="complaint", received_at=datetime(2026, 3, 6, 10, tzinfo=VN))
    assert deadlines.regime == "vn_law91"


def test_a_deletion_by_a_processor_in_a_30_day_month_names_law_91():
    # 1 April: Law 91's 30 days and the GDPR's month both end on 1 May.
    DeadlinePolicy.objects.filter(regime="eu_gdpr").update(active=True)
    deadlines = deadlines_for(
        request_type="delete", received_at=datetime(2026, 4, 1, 10, tzinfo=VN), processor_involved=True
    )
    assert deadlines.statutory_due_at == datetime(2026, 5, 1, 23, 59, 59, tzinfo=VN)
    assert deadlines.regime == "vn_law91"
