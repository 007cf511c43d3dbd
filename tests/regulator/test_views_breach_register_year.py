"""The breach register of a calendar year (`?year=YYYY`, page and CSV), by the year the bank became
aware of each breach in Vietnam time: the DPO's year-end and the regulator's yearly questions. The
register had no filter: a year's breaches were picked out of the whole list by hand."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.regulator.factories import make_breach, make_inventory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _references(client, **params) -> set[str]:
    response = client.get(reverse("regulator:breach_list"), {**params, "format": "csv"})
    assert response.status_code == 200
    return {row["reference"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}


def test_the_register_of_a_year_counts_awareness_in_vietnam_time(client, dpo):
    make_inventory()
    # 23:30 on 31 December in Hà Nội is 16:30 UTC: that year's; 00:30 on 1 January is the next year's.
    last_evening = make_breach(detected_at=datetime(2025, 12, 31, 23, 30, tzinfo=VN))
    new_year = make_breach(detected_at=datetime(2026, 1, 1, 0, 30, tzinfo=VN))
    client.force_login(dpo)
    assert _references(client, year="2025") == {last_evening.reference}
    assert _references(client, year="2026") == {new_year.reference}
    assert _references(client) == {last_evening.reference, new_year.reference}
    page = client.get(reverse("regulator:breach_list"), {"year": "2025"}).content.decode()
    assert last_evening.reference in page and new_year.reference not in page


def test_a_year_not_begun_or_not_a_year_is_said_on_the_page_and_refused_for_the_file(client, dpo):
    client.force_login(dpo)
    assert client.get(reverse("regulator:breach_list"), {"year": "2999", "format": "csv"}).status_code == 400
    page = client.get(reverse("regulator:breach_list"), {"year": "20x5"})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
