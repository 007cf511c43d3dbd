"""A period that ends before it starts (`until` before `since`, two dates swapped) is refused on the
recipient notices page and its API list, as the deadline report and the audit trail refuse it, instead of
an empty list that reads "no notice in that period"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.consents.test_duty_list_period import _withdrawn_in
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
SWAPPED = {"status": "all", "since": "2026-04-01", "until": "2026-01-01"}


@pytest.fixture(autouse=True)
def a_notice_in_the_quarter():
    _withdrawn_in(datetime(2026, 2, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_api_refuses_a_period_ending_before_it_starts(as_user, dpo):
    refused = as_user(dpo).get("/api/v1/withdrawal-duties/", {**SWAPPED, "status": ""})

    assert refused.status_code == 400
    assert "since" in refused.json()


def test_the_page_says_the_period_is_reversed(dpo):
    page = signed_in(dpo).get(reverse("consents:duty_list"), SWAPPED)

    assert page.status_code == 400
    assert "The period must start before it ends." in page.content.decode()
    assert page.context["duties"] == []
