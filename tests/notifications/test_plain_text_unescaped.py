"""A message's text (an e-mail's plain part, an SMS, the inbox) is plain text: rendered without HTML
escaping, so the customer reads "requester's" and "A & B", not "requester&#x27;s" and "A &amp; B". The
inbox page and an e-mail's HTML part escape it where they show it as HTML."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from core.access import subject_for_user
from dsr import services as dsr_services
from integrations.delivery import render_email
from integrations.models import OutboxMessage
from notifications.models import Notification
from notifications.selectors import notification_text
from notifications.services import notify
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject
from tests.notifications.test_views_inbox import CONTEXT

pytestmark = pytest.mark.django_db
NOTE = "We can't find the customer's file <2024> & its copy."


@pytest.fixture
def rejected():
    subject = make_subject(preferred_language="en")
    request = make_request(subject)
    dsr_services.request_reject(actor=STAFF, request_id=request.pk, reason="identity_not_verified", note=NOTE)
    return subject


def test_the_plain_part_of_an_e_mail_reads_as_written(rejected):
    message = OutboxMessage.objects.get(topic="dsr.customer.rejected", kind=OutboxMessage.Kind.EMAIL)
    body = render_email(message).body
    assert "The requester's identity could not be verified" in body
    assert NOTE in body
    assert "&#x27;" not in body and "&amp;" not in body and "&lt;" not in body


def test_the_inbox_keeps_the_text_as_written(rejected):
    notification = Notification.objects.get(subject=rejected, topic="dsr.customer.rejected")
    assert NOTE in notification_text(notification).body


def test_the_inbox_page_escapes_the_text_once(client, customer_a):
    notify(
        subject=subject_for_user(customer_a),
        template="dsr/email/customer_update",
        topic="dsr.customer.rejected",
        dedupe_key="note",
        context={**CONTEXT, "note": NOTE},
    )
    client.force_login(customer_a)
    page = client.get(reverse("notifications:me_inbox")).content.decode()
    assert html.escape(NOTE, quote=False) in page.replace("&#x27;", "'")
    assert "<2024>" not in page  # shown as text, never as markup
    assert "&amp;#x27;" not in page and "&amp;amp;" not in page and "&amp;lt;" not in page
