"""The DPO opens the deadline reports' CSV in Microsoft Excel (double-click). Excel reads a CSV without
a UTF-8 byte-order mark in the Windows ANSI code page, so every Vietnamese letter turns to mojibake: the
deadline report, the monthly report (the bank's name) and the report e-mailed to the DPO start with the
BOM, as the processing record and the customer's data export do."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.jobs.factories import monthly_report_emailed

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BOM = "\ufeff".encode()


def _vi(name, *args):
    with translation.override("vi"):
        return reverse(name, args=args)


def test_the_deadline_report_csv_in_vietnamese_opens_in_excel(dpo, logged_in):
    body = logged_in(dpo).get(_vi("dsr:report_deadlines"), {"format": "csv"}).content
    assert any(ord(ch) > 127 for ch in body.decode("utf-8"))  # labels in Vietnamese
    assert body.startswith(BOM)


@override_settings(BANK_NAME="Ngân hàng TMCP Đông Á")
def test_the_monthly_report_csv_opens_in_excel_with_the_bank_name(dpo, logged_in):
    body = logged_in(dpo).get(_vi("dsr:report_monthly", 2026, 3), {"format": "csv"}).content
    assert "Ngân hàng TMCP Đông Á".encode() in body
    assert body.startswith(BOM)


def test_the_deadline_report_emailed_to_the_dpo_opens_in_excel():
    email = monthly_report_emailed(datetime(2026, 3, 12, 8, 10, tzinfo=VN))  # a DPO reading Vietnamese
    # The deadline report's CSV and the month's (the regulator's).
    attachments = [part for part in email.message().walk() if part.get_filename()]
    assert len(attachments) == 2
    for attachment in attachments:
        body = attachment.get_payload(decode=True)
        assert attachment.get_filename().endswith(".csv")
        assert any(byte > 127 for byte in body)  # labels (and the bank's name) in Vietnamese
        assert body.startswith(BOM) and not body.startswith(BOM * 2)


def test_the_deadline_report_csv_from_the_api_opens_in_excel(dpo, as_user):
    response = as_user(dpo).get("/api/v1/reports/deadlines/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert response.content.startswith(BOM)
    assert not response.content.startswith(BOM * 2)
