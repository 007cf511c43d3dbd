"""The consent report of a calendar year (`/portal/reports/consents/?year=YYYY`, page and CSV): the
board's and the regulator's yearly withdrawals. Summing twelve monthly reports adds up the consents in
force at each month's start and end; the year counts them at its own start and end, Vietnam time, and a
withdrawal at 23:45 on 31 December is that year's."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/portal/reports/consents/"


def _total(client, year: str) -> list[str]:
    response = client.get(f"/en{URL}", {"year": year, "format": "csv"})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = next(line for line in lines if line[:2] == ["Purpose", "Channel"])
    total = next(line for line in lines[lines.index(header):] if line[:1] == ["Total"])
    return dict(zip(header, total, strict=True)) | {"period": lines[0]}


def test_the_year_counts_its_own_start_and_end_in_vietnam_time(client, dpo):
    purpose = make_purpose("marketing", category="marketing", effective_at=datetime(2025, 1, 1, tzinfo=VN))
    early = grant(make_subject(), purpose, now=datetime(2025, 3, 1, 9, tzinfo=VN))
    grant(make_subject(), purpose, now=datetime(2025, 12, 31, 23, 30, tzinfo=VN))
    services.consent_withdraw(actor=STAFF, consent_id=early.pk, channel="branch",
                              now=datetime(2025, 12, 31, 23, 45, tzinfo=VN))
    grant(make_subject(), purpose, now=datetime(2026, 1, 1, 0, 10, tzinfo=VN))
    client.force_login(dpo)

    year = _total(client, "2025")
    assert (year["In force at the start"], year["Granted"], year["Withdrawn: every consent"],
            year["In force at the end"]) == ("0", "2", "1", "1")
    assert year["period"][1:] == ["01/01/2025 00:00", "01/01/2026 00:00"]
    assert _total(client, "2026")["In force at the start"] == "1"


def test_a_year_not_begun_or_not_a_year_is_refused_on_the_page(client, dpo):
    client.force_login(dpo)
    assert client.get(URL, {"year": "2999", "format": "csv"}).status_code == 400
    assert client.get(URL, {"year": "abc", "format": "csv"}).status_code == 400
    page = client.get(URL, {"year": "20x5"})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()


def test_the_year_page_names_the_year(client, dpo):
    client.force_login(dpo)
    page = client.get(f"/en{URL}", {"year": "2025"}).content.decode()
    assert "Consents by purpose and channel, year 2025" in page
    assert 'data-testid="consent-report-year"' in client.get(URL).content.decode()


def test_the_api_takes_a_year_as_the_page_does(client, dpo, as_user):
    """`GET /api/v1/reports/consents/` took months only: the yearly figures had to be read off the page."""
    purpose = make_purpose("marketing", category="marketing", effective_at=datetime(2025, 1, 1, tzinfo=VN))
    grant(make_subject(), purpose, now=datetime(2025, 12, 31, 23, 30, tzinfo=VN))
    api = as_user(dpo)
    body = api.get("/api/v1/reports/consents/", {"year": "2025"}).json()
    assert body["year"] == 2025 and body["totals"]["granted"] == 1
    assert body["period"]["since"].startswith("2025-01-01T00:00:00+07:00")
    download = api.get("/api/v1/reports/consents/", {"year": "2025", "format": "csv"})
    assert download.status_code == 200 and 'consent-report-2025.csv' in download["Content-Disposition"]
    assert "year" in api.get("/api/v1/reports/consents/", {"year": "2999"}).json()
    assert api.get("/api/v1/reports/consents/", {"year": "2025", "month": "2025-03"}).status_code == 400
    assert "month" in api.get("/api/v1/reports/consents/", {"month": "2026-03"}).json()
