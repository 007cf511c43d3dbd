"""Recording a recipient's confirmation from a page of the recipient notices (its filters, its period,
page N) comes back to that very page: the notices list is paged, so a refusal shown on the duty's note
on page 1 of the unfiltered list was shown on a page that does not hold that duty, and after a
confirmation staff started again from the first page of every notice."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import WithdrawalDuty
from consents.views import duties
from tests.consents.test_duty_list_period import _withdrawn_in
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = {"status": "open", "since": "2026-01-01", "until": "2026-04-01"}


@pytest.fixture
def second_page(dpo, monkeypatch):
    """Page 2 of the open notices of a quarter, one notice a page: the client, the page's query string
    and the notice it shows."""
    monkeypatch.setattr(duties, "DUTY_PAGE_SIZE", 1)
    _withdrawn_in(
        datetime(2026, 1, 5, 9, 0, tzinfo=VN), datetime(2026, 2, 5, 9, 0, tzinfo=VN),
        datetime(2026, 4, 2, 9, 0, tzinfo=VN),
    )
    client = signed_in(dpo)
    page = client.get(reverse("consents:duty_list"), {**PERIOD, "page": 2})
    (row,) = page.context["duties"]
    duty = row[0]
    action = reverse("consents:duty_acknowledge", args=[duty.pk])
    assert f'action="{action}?' in page.content.decode()
    query = page.content.decode().split(f'action="{action}?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    return client, query, duty


def test_a_refused_confirmation_comes_back_on_the_page_that_shows_the_notice(second_page):
    client, query, duty = second_page

    refused = client.post(f"{reverse('consents:duty_acknowledge', args=[duty.pk])}?{query}", {"note": ""})

    assert refused.status_code == 400
    assert [row[0].pk for row in refused.context["duties"]] == [duty.pk]
    assert f'id="ack-{duty.pk}-error"' in refused.content.decode()
    assert refused.context["page"].number == 2


def test_a_recorded_confirmation_goes_back_to_the_same_page_and_filters(second_page):
    client, query, duty = second_page

    done = client.post(
        f"{reverse('consents:duty_acknowledge', args=[duty.pk])}?{query}", {"note": "Letter of 5 Feb"}
    )

    assert done.status_code == 302
    back = urlsplit(done["Location"])
    assert back.path == reverse("consents:duty_list")
    assert parse_qs(back.query) == {**{k: [v] for k, v in PERIOD.items()}, "page": ["2"]}
    assert WithdrawalDuty.objects.get(pk=duty.pk).acknowledged_at is not None


def test_a_late_reason_recorded_from_a_page_goes_back_to_that_page_and_its_filters(dpo, monkeypatch):
    monkeypatch.setattr(duties, "DUTY_PAGE_SIZE", 1)
    late_quarter = {"status": "all", "late": "true", "since": "2026-01-01", "until": "2026-04-01"}
    _withdrawn_in(datetime(2026, 1, 5, 9, 0, tzinfo=VN), datetime(2026, 2, 5, 9, 0, tzinfo=VN))
    WithdrawalDuty.objects.update(due_at=timezone.now() - timedelta(hours=1))
    client = signed_in(dpo)
    page = client.get(reverse("consents:duty_list"), {**late_quarter, "page": 2})
    (row,) = page.context["duties"]
    action = reverse("consents:duty_late_reason", args=[row[0].pk])
    query = page.content.decode().split(f'action="{action}?', 1)[1].split('"', 1)[0].replace("&amp;", "&")

    done = client.post(f"{action}?{query}", {"late_reason": "Đối tác nghỉ Tết"})

    back = urlsplit(done["Location"])
    assert back.path == reverse("consents:duty_list")
    assert parse_qs(back.query) == {**{k: [v] for k, v in late_quarter.items()}, "page": ["2"]}
    assert WithdrawalDuty.objects.get(pk=row[0].pk).late_reason == "Đối tác nghỉ Tết"
