"""The calendar year's report for the board and the regulator (`/portal/reports/deadlines/YYYY/`): the
year runs from 1 January 00:00 to the next 1 January 00:00 Vietnam time (not UTC), and a request
received in one year and closed in the next is received and open at the end in the first, open at
the start and closed in the second: counted once in each figure, never twice, never dropped."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.dsr.factories import verified_request
from tests.dsr.test_reports_month_reconciles import complete

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*parts):
    return datetime(*parts, tzinfo=VN)


def _totals(client, year: int) -> dict[str, str]:
    response = client.get(reverse("dsr:report_yearly", args=[year]), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[2]
    return {"period": rows[1], **dict(zip(header, rows[-1], strict=True))}


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo)
    return client


@pytest.fixture
def across_new_year(subject):
    # 23:30 on 31 December in Hà Nội is 16:30 UTC: the local year's last half hour, not the next year.
    spanning = verified_request(subject, type="access", now=local(2025, 12, 31, 23, 30))
    complete(spanning, now=local(2026, 1, 2, 9, 0))
    # 00:10 on 1 January in Hà Nội is still 31 December in UTC: the new year's.
    verified_request(subject, type="copy", now=local(2026, 1, 1, 0, 10))
    earlier = verified_request(subject, type="access", now=local(2025, 2, 28, 9, 0))
    complete(earlier, now=local(2025, 3, 1, 9, 0))


def test_the_year_counts_by_vietnam_time_and_each_request_once(across_new_year, dpo_client):
    last_year = _totals(dpo_client, 2025)
    assert last_year["period"][:4] == [
        "since", "2025-01-01T00:00:00+07:00", "until", "2026-01-01T00:00:00+07:00"
    ]
    assert (last_year["received"], last_year["closed"], last_year["open_at_end"]) == ("2", "1", "1")
    this_year = _totals(dpo_client, 2026)
    assert (this_year["open_at_start"], this_year["received"], this_year["closed"]) == ("1", "1", "1")


def test_the_year_page_is_printable_and_says_a_year_in_progress_is_counted_so_far(dpo_client):
    # The year in progress is Hà Nội's (from 17:00 UTC on 31 December, the next one), whatever today is.
    year = timezone.localdate().year
    page = dpo_client.get(reverse("dsr:report_yearly", args=[year]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Báo cáo thời hạn xử lý yêu cầu của chủ thể dữ liệu, năm {year}" in text
    assert 'data-testid="year-so-far"' in text
    ended = dpo_client.get(reverse("dsr:report_yearly", args=[year - 1])).content.decode()
    assert 'data-testid="year-so-far"' not in ended
    assert dpo_client.get("/portal/reports/deadlines/1999/").status_code == 404


def test_the_deadline_report_links_the_year_of_last_month(dpo_client):
    # On 2 January the DPO wants the year just ended; on 31 December the year so far.
    page = dpo_client.get(reverse("dsr:report_deadlines")).content.decode()
    assert 'data-testid="yearly-report"' in page


def test_a_year_not_begun_is_refused_not_filled_with_todays_open_requests(subject, dpo_client):
    # Open now: a report of next year counted it open at that year's start and end, though nothing of
    # that year has happened yet.
    verified_request(subject, type="access", now=timezone.now())
    next_year = timezone.localdate(timezone.now(), VN).year + 1
    url = reverse("dsr:report_yearly", args=[next_year])
    assert dpo_client.get(url).status_code == 404
    assert dpo_client.get(url, {"format": "csv"}).status_code == 404
    this_year = timezone.localdate(timezone.now(), VN).year
    assert dpo_client.get(reverse("dsr:report_yearly", args=[this_year])).status_code == 200
