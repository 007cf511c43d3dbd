"""The announcements page counts the customers each version not yet announced would reach in one query
for every version listed, not one per version."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import NoticeAnnouncement
from tests.consents.factories import grant, make_purpose, publish_notice
from tests.factories import make_subject, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db
PAST = timezone.now() - timedelta(days=60)


def _unannounced_versions(start: int, count: int) -> dict[str, int]:
    """Purposes each with two versions ahead that no announcement covers (published before publishing
    scheduled one), and customers on two versions before them: 1 to 3 on the first, one on the version
    in force. {version ahead: customers it would reach}."""
    expected = {}
    for i in range(start, start + count):
        purpose = make_purpose(f"ahead-{i}", effective_at=PAST)
        on_first = i % 3 + 1
        for _ in range(on_first):
            grant(make_subject(), purpose, now=PAST + timedelta(days=1))
        publish_notice(purpose.code, f"now-{i}", effective_at=timezone.now() - timedelta(days=1),
                       now=PAST + timedelta(days=2))
        grant(make_subject(), purpose, notice_version=f"now-{i}")
        for version, days in ((f"soon-{i}", 20), (f"later-{i}", 40)):
            publish_notice(purpose.code, version, effective_at=timezone.now() + timedelta(days=days))
            expected[version] = on_first + 1
    NoticeAnnouncement.objects.all().delete()
    return expected


def _affected_shown(page: str) -> dict[str, str]:
    table = page.split('data-testid="pending-notices"')[1].split("</table>")[0]
    return dict(re.findall(r"<td>((?:soon|later)-\d+).*?</td>\s*<td>[^<]*</td><td>(\d+)</td>", table, re.S))


def test_the_customers_each_version_reaches_are_counted_at_once(dpo):
    client = signed_in(dpo)
    url = reverse("regulator:announcement_list")
    expected = _unannounced_versions(0, 1)
    with_2 = queries_of(lambda: client.get(url))
    expected.update(_unannounced_versions(1, 9))
    with_20 = queries_of(lambda: client.get(url))

    assert with_20 == with_2
    shown = _affected_shown(client.get(url).content.decode())
    assert shown == {version: str(count) for version, count in expected.items()}
