"""A version moving a purpose off consent is announced to those who said no as well (they are processed
too from its date): the announcements page counts them among the customers it reaches, as it will tell
them, in the same few queries whatever the versions listed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import NoticeAnnouncement
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _leaving_consent(code: str, *, consented: int, refused: int, withdrew: int) -> str:
    now = timezone.now()
    purpose = make_purpose(code, category="support", effective_at=now - timedelta(days=60))
    for _ in range(consented):
        grant(make_subject(), purpose, now=now - timedelta(days=5))
    for _ in range(refused):
        services.consent_refuse(
            actor=STAFF,
            request=services.GrantRequest(
                subject=make_subject(), purpose=purpose, notice_version="v1", channel="branch", evidence="f"
            ),
            now=now - timedelta(days=5),
        )
    for _ in range(withdrew):
        ended = grant(make_subject(), purpose, now=now - timedelta(days=6))
        services.consent_withdraw(
            actor=STAFF, consent_id=ended.pk, channel="branch", now=now - timedelta(days=4)
        )
    make_subject()  # never asked: not told
    services.purpose_update(
        actor=STAFF, code=code, changes={"legal_basis": "contract"},
        effective_at=now + timedelta(days=31), now=now,
    )
    NoticeAnnouncement.objects.all().delete()
    return purpose.notices.latest("effective_at").version


def test_a_version_leaving_consent_counts_who_said_no_among_those_it_reaches(dpo):
    client = signed_in(dpo)
    url = reverse("regulator:announcement_list")
    first = _leaving_consent("support-0", consented=1, refused=1, withdrew=1)
    with_one = queries_of(lambda: client.get(url))
    for i in range(1, 6):
        _leaving_consent(f"support-{i}", consented=2, refused=1, withdrew=0)
    with_six = queries_of(lambda: client.get(url))

    assert with_six == with_one
    page = client.get(url).content.decode()
    rows = page.split('data-testid="pending-notices"')[1].split("</table>")[0].split("<tr")
    first_row = next(row for row in rows if "support-0" in row)
    assert first in first_row
    assert re.findall(r"<td>(\d+)</td>", first_row) == ["3"]
