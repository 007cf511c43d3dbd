"""A widening announced late takes effect when its notice period ends: the DPO's announcements page says
so, with the date first planned, in the reader's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consents.models import NoticeAnnouncement
from consents.services.announcement_runs import announcements_run_due
from tests.consents.factories import publish_notice
from tests.regulator.factories import DPO, customers_with, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


@pytest.fixture
def announced_late():
    now = timezone.now()
    make_inventory()
    purposes = make_catalogue(now=now - timedelta(days=10))
    customers_with(purposes["marketing"], 1, now=now - timedelta(days=5))
    published = now - timedelta(days=3)
    planned = published + timedelta(days=30)
    publish_notice("marketing", "v2", effective_at=planned, material=True, now=published, actor=DPO)
    assert announcements_run_due(now=now)["sent"] == 1  # three days after its send date
    return NoticeAnnouncement.objects.select_related("notice").get(notice__version="v2")


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Announced late: takes effect on {new} instead of {planned}."),
        ("vi", "Thông báo trễ: có hiệu lực từ ngày {new} thay vì ngày {planned}."),
    ],
)
def test_the_dpo_sees_that_a_late_announcement_moved_the_date(
    client, dpo, announced_late, language, sentence
):
    client.force_login(dpo)
    with translation.override(language):
        page = client.get(reverse("regulator:announcement_list")).content.decode()
    planned = announced_late.planned_effective_at
    assert announced_late.notice.effective_at > planned
    expected = sentence.format(new=_day(announced_late.notice.effective_at), planned=_day(planned))
    assert expected in page


def test_an_announcement_sent_in_time_says_nothing_of_lateness(client, dpo):
    make_inventory()
    purposes = make_catalogue(now=timezone.now())
    customers_with(purposes["marketing"], 1)
    now = timezone.now()
    publish_notice(
        "marketing", "v2", effective_at=now + timedelta(days=30), material=True, now=now, actor=DPO
    )
    assert announcements_run_due(now=now)["sent"] == 1
    client.force_login(dpo)
    with translation.override("en"):
        page = client.get(reverse("regulator:announcement_list")).content.decode()
    assert "<td>v2</td>" in page and "Announced late" not in page

