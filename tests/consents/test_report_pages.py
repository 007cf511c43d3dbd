"""The consent report's page, CSV and API: who may read them (as the deadline report: DPO, privacy
officers, auditors; not front-line officers), the same figures in each, labels in the reader's language,
and a month given wrongly answered with a message."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from consents import services
from consents.selectors import report as report_selectors
from consents.selectors.report import consent_report_month
from deadlines.policy import add_months
from tests.consents.factories import APP, STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def march():
    """In March 2026 (local time): two grants of marketing at a branch, one withdrawn in the app, the
    insurer's stop still open; a refusal of analytics on a paper form."""
    insurer = make_recipient("Bảo hiểm Đối tác")
    effective = datetime(2026, 1, 1, tzinfo=VN)
    marketing = make_purpose("marketing", category="marketing", recipients=[insurer], effective_at=effective,
                             name_vi="Tiếp thị sản phẩm", name_en="Product marketing")
    analytics = make_purpose("analytics", category="analytics", effective_at=effective,
                             name_vi="Phân tích hành vi", name_en="Behaviour analytics")
    first = grant(make_subject(), marketing, now=datetime(2026, 3, 2, 9, tzinfo=VN))
    grant(make_subject(), marketing, now=datetime(2026, 3, 3, 9, tzinfo=VN))
    services.consent_withdraw(actor=APP, consent_id=first.pk, channel="mobile_app",
                              now=datetime(2026, 3, 4, 9, tzinfo=VN))
    services.consent_refuse(
        actor=STAFF,
        request=services.GrantRequest(subject=make_subject(), purpose=analytics, notice_version="v1",
                                      channel="paper_form", evidence="FORM-0042"),
        now=datetime(2026, 3, 5, 9, tzinfo=VN),
    )


def _cells(page: str, testid: str) -> list[list[str]]:
    """The rows of the table marked `testid`, each as the text of its cells."""
    table = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = (re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


@pytest.mark.parametrize("role", ["dpo", "privacy_officer", "auditor"])
def test_report_readers_see_the_page_and_the_csv(march, role, request, logged_in):
    client = logged_in(request.getfixturevalue(role))
    url = reverse("consents:report")
    assert client.get(url, {"month": "2026-03"}).status_code == 200
    assert client.get(url, {"month": "2026-03", "format": "csv"}).status_code == 200


def test_a_front_line_officer_does_not_see_it_as_the_deadline_report(officer, logged_in):
    client = logged_in(officer)
    assert client.get(reverse("dsr:report_deadlines")).status_code == 403
    assert client.get(reverse("consents:report")).status_code == 403
    assert client.get(reverse("consents:report"), {"format": "csv"}).status_code == 403
    assert reverse("consents:report") not in client.get(reverse("portal:dashboard")).content.decode()


def test_the_menu_links_it_beside_the_deadline_report(dpo, logged_in):
    page = logged_in(dpo).get(reverse("portal:dashboard")).content.decode()
    deadline, consent = page.find(reverse("dsr:report_deadlines")), page.find(reverse("consents:report"))
    assert -1 < deadline < consent, "the consent report follows the deadline report in the menu"


def test_page_in_vietnamese_shows_the_figures_the_csv_gives(march, dpo, logged_in):
    client = logged_in(dpo)
    with translation.override("vi"):
        url = reverse("consents:report")
    page = client.get(url, {"month": "2026-03"}).content.decode()
    rows = _cells(page, "report-consents-by-purpose")
    assert rows[0][:4] == ["Mục đích", "Kênh", "Đã đồng ý", "Đã từ chối"]
    assert 'scope="col"' in page and 'scope="row"' in page and "<caption>" in page
    marketing_branch = next(r for r in rows if r[:2] == ["Tiếp thị sản phẩm", "Chi nhánh"])
    assert marketing_branch[2:] == ["2", "0", "0", "0", "0", "1", "0", "0"]
    stops = _cells(page, "report-consents-recipients")
    # Due on 7 March, after a withdrawal.
    assert stops[1] == ["Bảo hiểm Đối tác", "Đối tác", "Đã rút lại", "1", "0", "0", "1", "1"]

    response = client.get(url, {"month": "2026-03", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="consent-report-2026-03.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = lines.index(rows[0])  # the page's column headings, in Vietnamese
    body = lines[header + 1:]
    assert next(r for r in body if r[:2] == ["Tiếp thị sản phẩm", "Chi nhánh"]) == marketing_branch
    assert next(r for r in body if r[:2] == ["Tiếp thị sản phẩm", "Ứng dụng di động"]) == next(
        r for r in rows if r[:2] == ["Tiếp thị sản phẩm", "Ứng dụng di động"])
    assert next(r for r in body if r[:2] == ["Phân tích hành vi", "Phiếu giấy"])[2:4] == ["0", "1"]
    assert lines[lines.index(stops[0]) + 1] == stops[1]
    assert not any("marketing" in cell or "branch" in cell for line in lines for cell in line)


def test_the_default_month_is_this_local_month(dpo, logged_in):
    page = logged_in(dpo).get(reverse("consents:report")).content.decode()
    this_month = consent_report_month()["month"]
    assert f'value="{this_month:%Y-%m}"' in page


@pytest.mark.parametrize("month", ["2026-13", "March", "1800-01"])
def test_a_month_given_wrongly_is_explained(month, dpo, logged_in, as_user):
    client = logged_in(dpo)
    page = client.get(reverse("consents:report"), {"month": month})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    download = client.get(reverse("consents:report"), {"month": month, "format": "csv"})
    assert download.status_code == 400 and download.content.decode().startswith("Give a")
    answer = as_user(dpo).get("/api/v1/reports/consents/", {"month": month})
    assert answer.status_code == 400 and "month" in answer.json()


def test_a_month_not_yet_begun_is_refused(dpo, logged_in, as_user):
    """Next month's figures would be today's under a month that has not started: the page explains it
    (in the reader's language) and shows this month, the file and the API answer 400."""
    this_month = consent_report_month()["month"]
    month = f"{add_months(this_month, 1):%Y-%m}"
    client = logged_in(dpo)
    page = client.get(reverse("consents:report"), {"month": month}).content.decode()
    assert 'role="alert"' in page and "has not begun" in page
    assert f'value="{this_month:%Y-%m}"' in page
    download = client.get(reverse("consents:report"), {"month": month, "format": "csv"})
    assert download.status_code == 400 and "has not begun" in download.content.decode()
    answer = as_user(dpo).get("/api/v1/reports/consents/", {"month": month})
    assert answer.status_code == 400 and "month" in answer.json()
    assert as_user(dpo).get("/api/v1/reports/consents/", {"month": month, "format": "csv"}).status_code == 400
    current = client.get(reverse("consents:report"), {"month": f"{this_month:%Y-%m}", "format": "csv"})
    assert current.status_code == 200
    with translation.override("vi"):
        url = reverse("consents:report")
    assert "chưa bắt đầu" in client.get(url, {"month": month}).content.decode()


def test_api_gives_the_same_figures_as_json_and_csv(march, dpo, as_user):
    client = as_user(dpo)
    body = client.get("/api/v1/reports/consents/", {"month": "2026-03"}).json()
    marketing = next(row for row in body["by_purpose"] if row["purpose"] == "marketing")
    assert (marketing["granted"], marketing["withdrawn_partial"], marketing["withdrawn_whole"]) == (2, 0, 1)
    assert body["recipient_totals"] == {"sent": 1, "acknowledged_on_time": 0, "acknowledged_late": 0,
                                        "open": 1, "open_overdue": 1}
    response = client.get("/api/v1/reports/consents/", {"month": "2026-03", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert client.get("/api/v1/reports/consents/", {"month": "2026-13"}).status_code == 400


def test_api_refuses_an_officer(officer, as_user):
    assert as_user(officer).get("/api/v1/reports/consents/").status_code == 403


def test_page_queries_do_not_grow_with_purposes(march, dpo, logged_in, django_assert_max_num_queries):
    client = logged_in(dpo)
    client.get(reverse("consents:report"), {"month": "2026-03"})
    with django_assert_max_num_queries(25) as counted:
        client.get(reverse("consents:report"), {"month": "2026-03"})
    before = len(counted.captured_queries)
    for n in range(3):
        purpose = make_purpose(f"extra-{n}", recipients=[make_recipient(f"Đối tác {n}")],
                               effective_at=datetime(2026, 1, 1, tzinfo=VN))
        consent = grant(make_subject(), purpose, now=datetime(2026, 3, 7, 9, tzinfo=VN))
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch",
                                  now=datetime(2026, 3, 8, 9, tzinfo=VN))
    with django_assert_max_num_queries(before):
        page = client.get(reverse("consents:report"), {"month": "2026-03"}).content.decode()
    assert "Đối tác 2" in page


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT compilation is PostgreSQL's")
def test_the_report_is_read_without_jit_and_jit_is_back_after(march, dpo, logged_in, as_user, monkeypatch):
    """PostgreSQL JIT-compiles the events query (its cost is high) and spends longer compiling than
    running it: the report's reads run with `jit` off, and the setting is as it was afterwards."""
    before, seen = _jit(), []
    in_force = report_selectors._in_force

    def in_force_noting_jit(as_of):
        seen.append(_jit())
        return in_force(as_of)

    monkeypatch.setattr(report_selectors, "_in_force", in_force_noting_jit)
    assert logged_in(dpo).get(reverse("consents:report"), {"month": "2026-03"}).status_code == 200
    client = as_user(dpo)
    assert client.get("/api/v1/reports/consents/", {"month": "2026-03"}).status_code == 200
    assert client.get("/api/v1/reports/consents/", {"month": "2026-03", "format": "csv"}).status_code == 200
    assert seen == ["off"] * 6  # in force at the start and at the end, three times
    assert _jit() == before == "on"
