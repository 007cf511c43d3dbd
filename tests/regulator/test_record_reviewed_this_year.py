"""Whether the year's review of the record of processing activities is on file is a rule (the local
calendar year, Vietnam time), read by a selector the page and anything else can share; it was computed
in the page's view."""

from __future__ import annotations

from datetime import datetime

import pytest

from deadlines.policy import LOCAL_TZ
from regulator.models import RecordReview
from regulator.selectors import record_reviewed_this_year

pytestmark = pytest.mark.django_db


def _reviewed(at: datetime, by) -> None:
    RecordReview.objects.create(
        reviewed_at=at, reviewed_by=by, findings="x", entries=1, record_fingerprint="0" * 64
    )


def test_no_review_is_not_reviewed(dpo):
    assert record_reviewed_this_year(now=datetime(2026, 6, 1, tzinfo=LOCAL_TZ)) is False


def test_a_review_on_new_years_eve_late_in_hanoi_counts_for_that_year_not_the_next(dpo):
    _reviewed(datetime(2025, 12, 31, 23, 30, tzinfo=LOCAL_TZ), dpo)  # 16:30 UTC, still 2025 in Hà Nội
    assert record_reviewed_this_year(now=datetime(2025, 12, 31, 23, 59, tzinfo=LOCAL_TZ)) is True
    assert record_reviewed_this_year(now=datetime(2026, 1, 1, 0, 1, tzinfo=LOCAL_TZ)) is False
    _reviewed(datetime(2026, 1, 1, 0, 10, tzinfo=LOCAL_TZ), dpo)  # 31 Dec 17:10 UTC, already 2026 locally
    assert record_reviewed_this_year(now=datetime(2026, 1, 1, 0, 15, tzinfo=LOCAL_TZ)) is True
