"""The consent report's CSV is read by position by the bank's spreadsheets and scripts: the columns it
had keep their places, and the ones added for the month's reconciliation (in force at the start,
replaced by a consent to a newer notice) come after them."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
COLUMNS_BEFORE_RECONCILIATION = [
    "Purpose", "Channel", "Granted", "Refused", "Withdrawn: every consent", "Withdrawn: some purposes",
    "Expired", "In force at the end",
]


def test_the_csv_keeps_its_columns_in_place_and_adds_the_new_ones_after(dpo, as_user):
    purpose = make_purpose("marketing", category="marketing", effective_at=datetime(2026, 1, 1, tzinfo=VN))
    grant(make_subject(), purpose, now=datetime(2026, 2, 10, 9, tzinfo=VN))
    grant(make_subject(), purpose, now=datetime(2026, 3, 2, 9, tzinfo=VN))

    response = as_user(dpo).get("/api/v1/reports/consents/", {"month": "2026-03", "format": "csv"},
                                HTTP_ACCEPT_LANGUAGE="en")

    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = next(line for line in lines if line[:2] == ["Purpose", "Channel"])
    assert header[:8] == COLUMNS_BEFORE_RECONCILIATION
    assert header[8:] == ["In force at the start", "Replaced by a consent to a newer notice"]
    total = next(line for line in lines[lines.index(header):] if line[:1] == ["Total"])
    assert total[2:] == ["1", "0", "0", "0", "0", "2", "1", "0"]
