"""The sign-in security page under a credential-stuffing wave: bots trying customers' usernames from many
addresses lock thousands of sign-ins within the cool-off. The page listed every locked sign-in at once,
each with its unlock form, in one page that grew with the attack (and the DPO's browser with it). Now it
lists them a page at a time, the latest first, "Page N" with previous and next, counting nothing
(`core.paging.offset_page`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import signed_in

pytestmark = pytest.mark.django_db
LOCKED = 130


@pytest.fixture
def locked_usernames():
    """Locked sign-ins, each a second older than the one before: the latest first."""
    now = timezone.now()
    AccessAttempt.objects.bulk_create(
        AccessAttempt(
            username=f"khach{n:04d}", ip_address=f"10.0.{n // 250}.{n % 250}", user_agent="bot",
            get_data="", post_data="", http_accept="*/*", path_info="/accounts/login/",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
        )
        for n in range(LOCKED)
    )
    for n in range(LOCKED):
        AccessAttempt.objects.filter(username=f"khach{n:04d}").update(attempt_time=now - timedelta(seconds=n))
    return [f"khach{n:04d}" for n in range(LOCKED)]


def test_every_locked_sign_in_is_reached_a_page_at_a_time(dpo, locked_usernames):
    staff = signed_in(dpo)
    url = reverse("accounts:sign_in_security")

    page = staff.get(url)
    pages = [[row["username"] for row in page.context["locked"]]]
    while page.context.get("locked_page") is not None and page.context["locked_page"].next:
        assert f'rel="next" href="?{page.context["locked_page"].next}"' in page.content.decode()
        page = staff.get(f"{url}?{page.context['locked_page'].next}")
        pages.append([row["username"] for row in page.context["locked"]])

    assert [username for rows in pages for username in rows] == locked_usernames
    assert max(len(rows) for rows in pages) <= 100
