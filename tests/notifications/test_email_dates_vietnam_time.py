"""Follow-up review: an SMS to a phone abroad said its dates were Vietnam time, but the e-mails quoted "by
24/03/2026" with no zone, and a customer abroad read it as a day of their own (California is 14 to 15
hours behind). An e-mail that quotes a date or a time now says, in the same sentence the SMS uses
(`integrations.delivery.VIETNAM_TIME`), that it is Vietnam time; an e-mail address tells nothing of where
its reader is, so every such e-mail says it, and one without a date says nothing of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.utils import translation

from integrations.delivery import VIETNAM_TIME, render_email, render_sms, vietnam_time_note
from integrations.models import OutboxMessage
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

ZONE = {"vi": "giờ Việt Nam (UTC+7)", "en": "Vietnam time (UTC+7)"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_receipt_email_quoting_the_answer_date_says_it_is_vietnam_time(language):
    make_request(make_subject(phone="+1 415 555 0123", preferred_language=language), type="complaint")
    email = OutboxMessage.objects.get(topic="dsr.customer.received", kind=OutboxMessage.Kind.EMAIL)
    body = render_email(email).body
    assert ZONE[language] in body
    assert body.count(ZONE[language]) == 1


def test_the_email_says_it_the_way_the_sms_to_a_phone_abroad_does():
    make_request(make_subject(preferred_language="en"), type="complaint")
    make_request(make_subject(email="", phone="+1 415 555 0123", preferred_language="en"), type="complaint")
    received = OutboxMessage.objects.filter(topic="dsr.customer.received")
    sms = render_sms(received.get(kind=OutboxMessage.Kind.SMS))
    email = render_email(received.get(kind=OutboxMessage.Kind.EMAIL))
    with translation.override("en"):
        sentence = str(VIETNAM_TIME)
    assert sentence in sms and sentence in email.body


def test_only_a_message_with_a_date_or_time_says_whose_clock_it_is():
    due = datetime(2026, 3, 24, 10, tzinfo=UTC)
    assert vietnam_time_note({"reference": "YC-1", "items": [{"label": "x", "due_at": due}]})
    assert vietnam_time_note({"reference": "YC-1", "code": "123456"}) == ""


def test_the_unusual_access_email_says_once_that_its_window_is_vietnam_time():
    """Re-read: the DPO's e-mail about a staff member who looked at many customers said "(Vietnam time)"
    after its window and then the shared sentence again."""
    message = OutboxMessage(
        kind=OutboxMessage.Kind.EMAIL, destination="dpo@example.vn", topic="audit.access.unusual",
        payload=json.dumps({
            "template": "integrations/email/unusual_access", "language": "en",
            "context": {"who": "officer_x", "customers": 60, "since_at": "2026-03-24T03:00:00+00:00",
                        "until_at": "2026-03-24T04:00:00+00:00"},
        }),
    )
    body = render_email(message).body
    assert "10:00 and 24/03/2026 11:00" in body
    assert body.count("Vietnam time") == 1
