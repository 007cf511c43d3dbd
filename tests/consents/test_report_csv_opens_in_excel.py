"""The DPO opens the consent report's CSV in Microsoft Excel (double-click). Excel reads a CSV without
a UTF-8 byte-order mark in the Windows ANSI code page, so every Vietnamese letter turns to mojibake
("Tiáº¿p thá»‹" for "Tiếp thị"): the file starts with the BOM, from the page and from the API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from tests.consents.factories import grant, make_purpose

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BOM = "\ufeff".encode()


@pytest.fixture
def march():
    marketing = make_purpose("marketing", category="marketing", name_vi="Tiếp thị sản phẩm",
                             effective_at=datetime(2026, 1, 1, tzinfo=VN))
    grant(purpose=marketing, now=datetime(2026, 3, 2, 9, tzinfo=VN))


def test_the_consent_report_csv_in_vietnamese_opens_in_excel(march, dpo, logged_in):
    with translation.override("vi"):
        url = reverse("consents:report")
    body = logged_in(dpo).get(url, {"month": "2026-03", "format": "csv"}).content
    assert "Tiếp thị sản phẩm".encode() in body
    assert body.startswith(BOM)


def test_the_consent_report_csv_from_the_api_opens_in_excel(march, dpo, as_user):
    response = as_user(dpo).get(
        "/api/v1/reports/consents/", {"month": "2026-03", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    assert response.content.startswith(BOM)
    assert not response.content.startswith(BOM * 2)
