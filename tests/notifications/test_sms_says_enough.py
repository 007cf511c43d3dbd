"""A customer reached by SMS reads the subject line and the message's link only
(`integrations.delivery.render_sms`): each customer notice sent that way carries the link to the page
where they read it in full or act on it, and the fact they need (a date), not a bare title."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from consents.services.announcements import announcement_ask_fresh_consent, announcement_send
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from regulator import services as regulator_services
from regulator.services import breach_mailing
from tests.consents.factories import STAFF, grant, make_purpose, publish_notice
from tests.factories import make_subject
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SITE = "https://portal.bank.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def _sms(topic: str) -> str:
    return render_sms(OutboxMessage.objects.get(topic=topic, kind=OutboxMessage.Kind.SMS))


def test_a_breach_notice_by_sms_links_to_the_inbox_where_the_notice_is_read(
    django_capture_on_commit_callbacks,
):
    make_inventory()
    make_catalogue()
    make_customer(email="")
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        regulator_services.breach_customers_notify(
            actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=2)
        )
    text = _sms(breach_mailing.CUSTOMER_TOPIC)
    assert breach.reference in text
    assert text.endswith(SITE + reverse("notifications:me_inbox"))


@pytest.fixture
def notice_by_sms():
    """A customer with a phone and no e-mail, consenting to a purpose whose notice widens in 40 days
    (a material change: announced 30 days ahead)."""
    purpose = make_purpose("mkt-sms", effective_at=NOW - timedelta(days=30))
    grant(make_subject(email="", preferred_language="en"), purpose, now=NOW - timedelta(days=5))
    return publish_notice(
        purpose.code, "v2", effective_at=NOW + timedelta(days=40), material=True, now=NOW, actor=STAFF
    )


def test_a_notice_change_by_sms_gives_its_date_and_the_link_to_my_consents(
    notice_by_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        announcement_send(
            actor=STAFF, announcement_id=notice_by_sms.announcement.pk, now=NOW + timedelta(days=10)
        )
    text = _sms("consents.notice.announced")
    assert "18/04/2026" in text
    assert text.endswith(SITE + reverse("consents:me_consents"))


def test_the_fresh_consent_ask_by_sms_links_to_my_consents_where_they_confirm(
    notice_by_sms, django_capture_on_commit_callbacks
):
    announcement = notice_by_sms.announcement
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=10))
        announcement_ask_fresh_consent(
            actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=41)
        )
    text = _sms("consents.notice.fresh_consent_requested")
    assert text.endswith(SITE + reverse("consents:me_consents"))
