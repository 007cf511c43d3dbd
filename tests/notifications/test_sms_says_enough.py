"""A customer reached by SMS reads the message's subject line (`integrations.delivery.render_sms`): the
fact they need (a reference, a date), not a bare title, and, where there is more to read, one sentence
saying where to read it once signed in to the bank. Never a link: since the State Bank's anti-fraud
push, Vietnamese banks' SMS carry none and customers are taught an SMS with a link is a scam (our own
security page says the bank never sends one). The e-mail of the same message keeps its link."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from consents.services.announcements import announcement_ask_fresh_consent, announcement_send
from dsr import services as dsr_services
from integrations.delivery import render_email, render_sms
from integrations.models import OutboxMessage
from regulator import services as regulator_services
from regulator.services import breach_mailing
from tests.authorisations.factories import authorise
from tests.consents.factories import STAFF, grant, make_purpose, publish_notice
from tests.dsr.factories import STAFF as DSR_STAFF
from tests.dsr.factories import make_request
from tests.factories import make_customer, make_subject
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_inventory
from tests.regulator.factories import make_customer as make_bank_customer

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SITE = "https://portal.bank.example"
WHERE_TO_READ = {
    # Then where else to ask (no hotline set in tests: the branches), for a customer without the app.
    "vi": "Chi tiết tại mục Thông báo trên ứng dụng/Internet Banking của ngân hàng. "
    "Cần hỏi: đến bất kỳ chi nhánh nào.",
    "en": "Details under Notifications in the bank's app or internet banking. Questions: ask at any branch.",
}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture(params=["vi", "en"])
def language(request):
    return request.param


def _sms(topic: str) -> str:
    return render_sms(OutboxMessage.objects.get(topic=topic, kind=OutboxMessage.Kind.SMS))


def _says_where_to_read_without_a_link(text: str, language: str) -> None:
    assert "http" not in text and SITE.removeprefix("https://") not in text
    assert text.endswith(" " + WHERE_TO_READ[language])


def test_a_breach_notice_by_sms_gives_its_reference_and_where_to_read_it(
    language, django_capture_on_commit_callbacks
):
    make_inventory()
    make_catalogue()
    make_bank_customer(email="", preferred_language=language)
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        regulator_services.breach_customers_notify(
            actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(hours=2)
        )
    text = _sms(breach_mailing.CUSTOMER_TOPIC)
    assert breach.reference in text.split(WHERE_TO_READ[language])[0]
    _says_where_to_read_without_a_link(text, language)


@pytest.fixture
def notice_by_sms(language):
    """A customer with a phone and no e-mail, consenting to a purpose whose notice widens in 40 days
    (a material change: announced 30 days ahead)."""
    purpose = make_purpose("mkt-sms", effective_at=NOW - timedelta(days=30))
    grant(make_subject(email="", preferred_language=language), purpose, now=NOW - timedelta(days=5))
    return publish_notice(
        purpose.code, "v2", effective_at=NOW + timedelta(days=40), material=True, now=NOW, actor=STAFF
    )


def test_a_notice_change_by_sms_gives_its_date_and_where_to_read_it(
    language, notice_by_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        announcement_send(
            actor=STAFF, announcement_id=notice_by_sms.announcement.pk, now=NOW + timedelta(days=10)
        )
    text = _sms("consents.notice.announced")
    assert "18/04/2026" in text.split(WHERE_TO_READ[language])[0]
    _says_where_to_read_without_a_link(text, language)


def test_the_fresh_consent_ask_by_sms_says_where_to_read_it(
    language, notice_by_sms, django_capture_on_commit_callbacks
):
    announcement = notice_by_sms.announcement
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=10))
        announcement_ask_fresh_consent(
            actor=STAFF, announcement_id=announcement.pk, now=NOW + timedelta(days=41)
        )
    _says_where_to_read_without_a_link(_sms("consents.notice.fresh_consent_requested"), language)


def test_a_request_update_by_sms_gives_its_reference_and_where_to_read_it(language):
    request = make_request(make_subject(email="", preferred_language=language))
    text = _sms("dsr.customer.received")
    assert request.reference in text.split(WHERE_TO_READ[language])[0]
    _says_where_to_read_without_a_link(text, language)


def test_an_authorisation_receipt_by_sms_says_where_to_read_it(language):
    authorise(make_customer(subject=make_subject(email="", preferred_language=language)))
    _says_where_to_read_without_a_link(_sms("authorisations.customer.granted"), language)


def test_the_same_message_by_e_mail_keeps_its_link():
    request = make_request(make_subject(phone=""))
    message = OutboxMessage.objects.get(topic="dsr.customer.received", kind=OutboxMessage.Kind.EMAIL)
    assert SITE + reverse("dsr:me_detail", args=[request.pk]) in render_email(message).body


def test_a_code_by_sms_is_the_code_alone_with_no_pointer(language, django_capture_on_commit_callbacks):
    """A code has nothing more to read: its SMS is unchanged, the code and no sentence after it."""
    request = make_request(make_subject(email="", preferred_language=language))
    with django_capture_on_commit_callbacks():
        dsr_services.request_identity_otp_send(actor=DSR_STAFF, request_id=request.pk)
    text = _sms("dsr.identity_code")
    assert re.search(r"\b\d{6}\b", text)
    assert WHERE_TO_READ[language] not in text and "http" not in text
