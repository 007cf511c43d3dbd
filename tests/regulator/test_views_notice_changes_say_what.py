"""The customer's *Upcoming changes* page says of each change what the e-mail said: what it reaches
further than before, and, for a version moving the purpose off consent, that nobody is asked to consent
again (the processing no longer depends on it) rather than "you will be asked to consent again"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import NoticeAnnouncement
from consents.services.announcements import announcement_send
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db


def _announced(code: str, *, changes: dict, recipients=None) -> None:
    services.purpose_update(
        actor=STAFF, code=code, changes=changes, recipients=recipients,
        effective_at=timezone.now() + timedelta(days=31), now=timezone.now(),
    )
    announcement = NoticeAnnouncement.objects.get(notice__purpose__code=code)
    announcement_send(actor=STAFF, announcement_id=announcement.pk, now=announcement.send_at)


def test_the_page_lists_what_each_change_widens_and_whether_consent_is_asked(
    client, django_capture_on_commit_callbacks
):
    before = timezone.now() - timedelta(days=60)
    insurer = make_recipient("Bảo hiểm Đối tác", name_en="Partner Insurance")
    purposes = [
        make_purpose("sharing", category="sharing", recipients=[insurer], effective_at=before),
        make_purpose("support", category="support", effective_at=before),
    ]
    subject = make_subject()
    for purpose in purposes:
        grant(subject, purpose, now=timezone.now() - timedelta(days=5))
    with django_capture_on_commit_callbacks():
        newcomer = make_recipient("Đối tác Mới", name_en="New Partner")
        _announced("sharing", changes={}, recipients=[insurer, newcomer])
        _announced("support", changes={"legal_basis": "contract"})
    client.force_login(make_customer(subject=subject, username="cust_changes"))
    page = client.get("/en/me/notice-changes/").content.decode()
    sharing, support = page.split('data-testid="notice-change"')[1:]
    if "Purpose support" in sharing:
        sharing, support = support, sharing
    assert "New recipients of your data: New Partner." in sharing
    assert "You will be asked to consent again" in sharing
    assert "New legal basis: Contract." in support
    assert "You will be asked to consent again" not in support
    assert "no longer depends on your consent" in support
