"""The SMS a phone-only customer gets for a request (its subject line, `render_sms`) gives the date that
binds, in Vietnam time: at receipt and acknowledgement the answer-by date, after the extension the new
legal date (and the bank's own when it still comes first), each sentence ended before the next."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from dsr import services
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF, make_request, verify
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
WHERE_TO_READ = {
    # Then where else to ask (no hotline set in tests: the branches), for a customer without the app.
    "vi": "Chi tiết tại mục Thông báo trên ứng dụng/Internet Banking của ngân hàng. "
    "Cần hỏi: đến bất kỳ chi nhánh nào.",
    "en": "Details under Notifications in the bank's app or internet banking. Questions: ask at any branch.",
}


@pytest.fixture(params=["vi", "en"])
def language(request):
    return request.param


def _sms(topic: str) -> str:
    message = OutboxMessage.objects.filter(topic=topic, kind=OutboxMessage.Kind.SMS).order_by("-pk").first()
    return render_sms(message)


def _day(moment) -> str:
    return moment.astimezone(VN).strftime("%d/%m/%Y")


def _facts_end_in_a_full_stop(text: str, language: str) -> str:
    facts = text.removesuffix(" " + WHERE_TO_READ[language])
    assert facts != text and facts.endswith(".")
    return facts


def test_the_receipt_sms_gives_the_answer_by_date(language):
    request = make_request(make_subject(email="", preferred_language=language), type="complaint")
    facts = _facts_end_in_a_full_stop(_sms("dsr.customer.received"), language)
    assert request.reference in facts and _day(request.answer_by) in facts


def test_the_acknowledgement_sms_gives_the_answer_by_date(language):
    request = make_request(make_subject(email="", preferred_language=language), type="access")
    verify(request)
    request.refresh_from_db()
    facts = _facts_end_in_a_full_stop(_sms("dsr.customer.acknowledged"), language)
    assert request.reference in facts and _day(request.answer_by) in facts


def test_the_extension_sms_gives_the_new_legal_date(language):
    request = make_request(make_subject(email="", preferred_language=language), type="access")
    now = MONDAY + timedelta(days=5)
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Cần tra cứu kho lưu trữ", now=now
    )
    facts = _facts_end_in_a_full_stop(_sms("dsr.customer.extended"), language)
    assert ". " in facts  # the request's sentence is ended before the date's begins
    assert _day(extended.statutory_due_at) in facts
    if now < extended.answer_by < extended.statutory_due_at:  # the bank's date still binds: quoted too
        assert _day(extended.answer_by) in facts


@pytest.mark.parametrize(
    ("language", "zone"), [("vi", "giờ Việt Nam (UTC+7)"), ("en", "Vietnam time (UTC+7)")]
)
def test_an_sms_to_a_phone_abroad_says_its_date_is_vietnam_time(language, zone):
    """A customer in California read "by 24/03/2026" on their own calendar, 14 to 15 hours behind; a
    customer whose phone is Vietnamese gets no word more."""
    abroad = make_request(
        make_subject(email="", phone="+1 415 555 0123", preferred_language=language), type="complaint"
    )
    make_request(make_subject(email="", phone="0912 345 678", preferred_language=language), type="complaint")
    sent = {
        message.destination: render_sms(message)
        for message in OutboxMessage.objects.filter(
            topic="dsr.customer.received", kind=OutboxMessage.Kind.SMS
        )
    }
    assert _day(abroad.answer_by) in sent["+14155550123"] and zone in sent["+14155550123"]
    assert zone not in sent["0912345678"]
