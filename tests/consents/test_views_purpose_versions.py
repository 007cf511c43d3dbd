"""The staff portal's page of a purpose's notice versions: what the DPO shows an inspector, per version,
its dates, both languages, its scope and how many consents name it. Read-only, for every staff role that
reads the catalogue, at the same queries whatever the number of versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient, publish_notice
from tests.factories import make_subject, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _rows(page: str) -> dict[str, str]:
    table = page.split('data-testid="notice-versions"')[1].split("</table>")[0]
    rows = [row for row in table.split("<tr")[1:] if "data-version" in row]
    return {row.split('data-version="')[1].split('"')[0]: row for row in rows}


@pytest.fixture
def sharing():
    now = timezone.now()
    insurer = make_recipient("Bảo hiểm Đối tác", name_en="Partner Insurance")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer], data_categories=["contact"],
        retention_months=24, effective_at=now - timedelta(days=90),
        notice_text_vi="Chia sẻ với Bảo hiểm Đối tác", notice_text_en="Shared with Partner Insurance",
    )
    for _ in range(2):
        grant(make_subject(), purpose, now=now - timedelta(days=80))
    services.purpose_update(
        actor=STAFF, code="sharing", changes={"retention_months": 12}, now=now - timedelta(days=30),
        notice_version="v2", notice_text_vi="Giữ 12 tháng", notice_text_en="Kept 12 months",
    )
    grant(make_subject(), purpose, now=now - timedelta(days=10))
    return purpose


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "dpo", "auditor"])
def test_every_staff_role_reading_the_catalogue_reads_each_version(request, role, sharing):
    page = signed_in(request.getfixturevalue(role)).get("/en/portal/purposes/sharing/versions/")
    assert page.status_code == 200
    rows = _rows(page.content.decode())
    assert set(rows) == {"v1", "v2"}
    first, second = rows["v1"], rows["v2"]
    assert "Chia sẻ với Bảo hiểm Đối tác" in first and "Shared with Partner Insurance" in first
    assert "Giữ 12 tháng" in second and "Kept 12 months" in second
    assert "Partner Insurance" in first and "24" in first and "12" in second
    assert 'data-testid="consents-count">2<' in first and 'data-testid="consents-count">1<' in second
    # v1 was in force until v2 took effect; v2 is in force.
    until = timezone.localtime(timezone.now() - timedelta(days=30)).strftime("%d/%m/%Y")
    assert until in first
    assert "In force" in second


def test_the_page_costs_the_same_queries_whatever_the_versions(dpo, sharing):
    client = signed_in(dpo)
    url = "/en/portal/purposes/sharing/versions/"
    with_two = queries_of(lambda: client.get(url))
    for month in range(3, 9):
        publish_notice("sharing", f"v{month}", effective_at=timezone.now() + timedelta(days=10 * month))
    with_eight = queries_of(lambda: client.get(url))
    assert with_eight == with_two


def test_the_vietnamese_page_and_an_unknown_purpose(dpo, sharing):
    client = signed_in(dpo)
    page = client.get("/portal/purposes/sharing/versions/").content.decode()
    assert "Số bản ghi đồng ý nêu phiên bản này" in page and "Giữ 12 tháng" in page
    assert client.get("/portal/purposes/absent/versions/").status_code == 404
