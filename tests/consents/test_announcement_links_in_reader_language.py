"""A notice-change message links to the customer's consents page in the customer's language, not in
the language of whoever (or whichever job) sent the announcement: an English reader otherwise lands
on the Vietnamese page, and a Vietnamese reader on the English one."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from consents.models import NoticeAnnouncement
from consents.services.announcements import announcement_send
from integrations.outbox import absolute_url
from notifications.models import Notification
from tests.consents.factories import STAFF, SYSTEM, grant, make_purpose, publish_notice
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _consents_page(language: str) -> str:
    with translation.override(language):
        return reverse("consents:me_consents")


@pytest.mark.parametrize("sender_language", ["vi", "en"])
def test_each_customer_is_linked_to_their_consents_page_in_their_language(sender_language):
    purpose = make_purpose("marketing-links", effective_at=NOW - timedelta(days=30))
    english, vietnamese = make_subject(preferred_language="en"), make_subject(preferred_language="vi")
    for customer in (english, vietnamese):
        grant(customer, purpose, now=NOW - timedelta(days=5))
    publish_notice(
        purpose.code, "v2", effective_at=NOW + timedelta(days=40), material=True, now=NOW, actor=STAFF
    )
    announcement = NoticeAnnouncement.objects.get(notice__purpose=purpose, notice__version="v2")
    with translation.override(sender_language):
        announcement_send(actor=SYSTEM, announcement_id=announcement.pk, now=announcement.send_at)
    for customer, language in ((english, "en"), (vietnamese, "vi")):
        context = json.loads(Notification.objects.get(subject=customer).context)
        assert context["link"] == absolute_url(_consents_page(language)), language
