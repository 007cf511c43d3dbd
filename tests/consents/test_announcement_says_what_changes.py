"""The announcement of a widening tells each customer what changes: a version's scope (recipients, data,
destinations, retention) may change while its notice text carries over, so the text alone would announce
"a change" without saying which."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consents import services
from consents.models import NoticeAnnouncement
from consents.services.announcements import announcement_send
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _email_to(subject) -> str:
    mail.outbox.clear()
    for message in OutboxMessage.objects.filter(topic="consents.notice.announced", subject_id=subject.pk):
        outbox_deliver(message.pk, now=timezone.now() + timedelta(days=400))
    (email,) = mail.outbox
    return email.body


def test_a_widening_is_announced_with_what_it_changes_in_each_language(django_capture_on_commit_callbacks):
    now = timezone.now()
    insurer = make_recipient("Bảo hiểm Đối tác", name_en="Partner Insurance")
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[insurer], data_categories=["contact"],
        retention_months=24, effective_at=now - timedelta(days=60),
    )
    english, vietnamese = make_subject(preferred_language="en"), make_subject(preferred_language="vi")
    for customer in (english, vietnamese):
        grant(customer, purpose, now=now - timedelta(days=5))
    korea = services.recipient_create(
        actor=STAFF, name="Hàn Quốc Life", name_en="Korea Life", kind="partner", country="KR"
    )
    services.purpose_update(
        actor=STAFF, code="sharing", recipients=[insurer, korea],
        changes={"data_categories": ["contact", "preferences"], "retention_months": 60},
        effective_at=now + timedelta(days=31), now=now,
    )
    announcement = NoticeAnnouncement.objects.get()
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=announcement.send_at)

    body = _email_to(english)
    assert "New recipients of your data: Korea Life." in body
    assert "Your data is sent abroad to: KR." in body
    assert "New kinds of data: Preferences and interests." in body
    assert "Your data is kept longer: 60 months instead of 24." in body
    assert "Partner Insurance" not in body  # told before: not a change
    body = _email_to(vietnamese)
    assert "Bên nhận mới dữ liệu của bạn: Hàn Quốc Life." in body and "Korea Life" not in body
    assert "Loại dữ liệu mới: Sở thích và mối quan tâm." in body
