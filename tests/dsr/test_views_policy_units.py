"""The deadline policy page (UX review): every period with its unit and the right plural, the
validity in words when a row has no end, and a warning where the bank's commitment is looser than
the law."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def row_of(page, regime_label, type_label):
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page.split('data-testid="policy"')[1], re.S):
        if regime_label in row and type_label in row:
            return row
    raise AssertionError(f"no row {regime_label} / {type_label}")


def cells(row):
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_periods_show_their_unit_with_the_right_plural_in_english(logged_in, dpo):
    page = logged_in(dpo).get("/en" + reverse("dsr:policy")).content.decode()
    withdraw = cells(row_of(page, "Law 91/2025", "Withdrawal of consent"))
    # Period, with a processor, acknowledge, extension.
    assert withdraw[2:6] == ["15 calendar days", "20 calendar days", "2 working days", "15 calendar days"]
    assert "1 calendar months" not in page
    gdpr = cells(row_of(page, "GDPR", "Access to personal data"))
    assert gdpr[2] == "1 calendar month" and gdpr[5] == "2 calendar months"
    assert cells(row_of(page, "Bank policy", "Access to personal data"))[2] == "72 hours"


def test_periods_show_their_unit_in_vietnamese(logged_in, dpo):
    page = logged_in(dpo).get(reverse("dsr:policy")).content.decode()
    complaint = cells(row_of(page, "Luật 91/2025", "Khiếu nại"))
    assert complaint[2] == "15 ngày" and complaint[5] == "15 ngày"
    bank = cells(row_of(page, "Chính sách ngân hàng", "Khiếu nại"))
    assert bank[2] == "15 ngày làm việc"


def test_an_open_ended_validity_is_said_in_words(logged_in, dpo):
    page = logged_in(dpo).get("/en" + reverse("dsr:policy")).content.decode()
    assert "… – …" not in page
    assert cells(row_of(page, "Law 91/2025", "Withdrawal of consent"))[7] == "from 01/01/2026, no end date"
    assert cells(row_of(page, "Decree 13/2023", "Deletion"))[7] == "until 31/12/2025"
    assert cells(row_of(page, "Bank policy", "Deletion"))[7] == "always"


def test_the_page_warns_where_the_banks_commitment_is_looser_than_the_law(logged_in, dpo):
    page = logged_in(dpo).get("/en" + reverse("dsr:policy")).content.decode()
    warnings = re.findall(r'data-testid="looser-than-law">(.*?)</li>', page, re.S)
    assert len(warnings) == 1
    assert "Complaint" in warnings[0]
    assert "15 working days" in warnings[0] and "15 calendar days" in warnings[0]
    assert 'data-testid="looser-than-law-flag"' in row_of(page, "Bank policy", "Complaint")
    assert 'data-testid="looser-than-law-flag"' not in row_of(page, "Bank policy", "Deletion")
