"""Issue #18: one date shape for people in both languages (dd/mm/yyyy, HH:MM); ISO in the API."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

WHEN = datetime(2026, 1, 12, 9, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_named_format_is_day_first_in_both_languages(language):
    template = Template(
        '{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date:"SHORT_DATETIME_FORMAT" }}|{{ d|date }}'
        '|{{ d|date:"DATETIME_FORMAT" }}|{{ d|time }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"d": WHEN}))
    assert rendered == "12/01/2026|12/01/2026 09:05|12/01/2026|12/01/2026 09:05|09:05"


@pytest.mark.django_db
def test_the_english_requests_page_writes_day_first(client, customer_a):
    from tests.dsr.factories import make_request

    make_request(customer_a.customer_account.subject, channel="internet_banking", now=WHEN)
    client.force_login(customer_a)
    page = client.get("/en/me/requests/").content.decode()
    assert "12/01/2026" in page and "01/12/2026" not in page
