"""The announcements page lists 50 announcements a page, the latest to be sent first, as the staff roles
page lists logins: every notice version ever published has one, so the list only grows."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import NoticeAnnouncement
from tests.consents.factories import make_purpose, publish_notice
from tests.factories import signed_in
from tests.list_pages import (
    PAGE_SIZE,
    assert_bad_page_numbers_show_the_nearest,
    assert_paged,
    assert_posted_from_the_second_page,
)

pytestmark = pytest.mark.django_db
URL = reverse("regulator:announcement_list")


def _announce(count: int) -> list[str]:
    """`count` announced versions of one purpose, each a day after the one before: their versions, the
    latest announced first."""
    make_purpose("share-data", effective_at=timezone.now() - timedelta(days=60))
    versions = [f"v{n + 2}" for n in range(count)]
    for n, version in enumerate(versions):
        publish_notice("share-data", version, effective_at=timezone.now() + timedelta(days=40 + n))
    assert NoticeAnnouncement.objects.count() == count
    return versions[::-1]


def _versions(page: str) -> list[str]:
    table = page.split('data-testid="announcements"')[1].split("</table>")[0]
    return re.findall(r"<tr>\s*<td>[^<]*</td><td>(v\d+)</td>", table)


def test_the_announcements_are_paged_latest_first(dpo):
    latest_first = _announce(53)
    client = signed_in(dpo)

    first = assert_paged(client, URL, _versions, latest_first)

    # The pager says which list it pages, in the reader's language.
    assert 'aria-label="Phân trang danh sách các thông báo"' in first
    english = client.get("/en/portal/notice-announcements/").content.decode()
    assert 'aria-label="Pages of announcements"' in english


def test_a_bad_page_number_shows_the_nearest_page(dpo):
    _announce(53)
    assert_bad_page_numbers_show_the_nearest(signed_in(dpo), URL, _versions)


def test_an_announcement_sent_from_a_later_page_comes_back_to_it(dpo):
    _announce(53)
    oldest = NoticeAnnouncement.objects.order_by("send_at").first()
    client = signed_in(dpo)

    assert_posted_from_the_second_page(client, URL, f"{URL}{oldest.pk}/send/")

    oldest.refresh_from_db()
    assert oldest.status == NoticeAnnouncement.Status.SENT


def test_a_version_scheduled_from_a_later_page_comes_back_to_it(dpo):
    """The versions to schedule are listed above the announcements on every page: "Schedule" pressed
    on the second page comes back to the second page, as "Send now" does."""
    _announce(PAGE_SIZE + 4)
    latest = NoticeAnnouncement.objects.order_by("-send_at").first()
    notice = latest.notice
    latest.delete()
    client = signed_in(dpo)

    assert_posted_from_the_second_page(client, URL, f"{URL}notices/{notice.pk}/schedule/")

    assert NoticeAnnouncement.objects.filter(notice=notice).exists()
