"""The code sent to the requester's phone cannot be used to flood the phone nor guessed without end:
codes per request are capped per hour, wrong codes count across resends and each is audited, and once
the wrong codes reach the limit the request is verified only by a document or eKYC."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from core.errors import Conflict, InvalidInput
from dsr import services
from dsr.contact_codes import MAX_CODES_PER_HOUR
from dsr.models import DataSubjectRequest
from dsr.services.identity import OTP_MAX_ATTEMPTS
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF, make_request

pytestmark = pytest.mark.django_db

EXHAUSTED = "identity_code_attempts_exhausted"


def _send(request, *, now=MONDAY):
    return services.request_identity_otp_send(actor=STAFF, request_id=request.pk, now=now)


def _type(request, code, *, now=MONDAY):
    return services.request_verify_identity(
        actor=STAFF, request_id=request.pk, method="otp_phone", otp_code=code, now=now
    )


def _last_code() -> str:
    message = OutboxMessage.objects.filter(topic="dsr.identity_code").order_by("-created_at").first()
    return re.search(r"\b\d{6}\b", render_sms(message)).group()


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _exhaust(request):
    """Type wrong codes up to the limit; the last one is refused as exhausting the attempts."""
    _send(request)
    wrong = _wrong(_last_code())
    for _ in range(OTP_MAX_ATTEMPTS - 1):
        with pytest.raises(InvalidInput):
            _type(request, wrong)
    with pytest.raises(Conflict) as last:
        _type(request, wrong)
    assert last.value.code == EXHAUSTED


def test_codes_for_one_request_are_capped_per_hour(subject):
    request = make_request(subject)
    for second in range(MAX_CODES_PER_HOUR):
        _send(request, now=MONDAY + timedelta(seconds=second))
    with pytest.raises(Conflict) as refused:
        _send(request, now=MONDAY + timedelta(minutes=59))
    assert refused.value.code == "too_many_codes"
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").count() == MAX_CODES_PER_HOUR

    _send(request, now=MONDAY + timedelta(hours=1, seconds=1))
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").count() == MAX_CODES_PER_HOUR + 1


def test_the_hour_slides_so_a_burst_across_its_end_is_not_doubled(subject):
    """One code, four more a minute before the hour is up: the next hour still holds those four, so only
    one more code goes out until they are an hour old (a window reset by the hour let five more out)."""
    request = make_request(subject)
    _send(request)
    burst = MONDAY + timedelta(minutes=59)
    for second in range(MAX_CODES_PER_HOUR - 1):
        _send(request, now=burst + timedelta(seconds=second))

    _send(request, now=MONDAY + timedelta(hours=1, seconds=1))
    with pytest.raises(Conflict) as refused:
        _send(request, now=MONDAY + timedelta(hours=1, seconds=2))
    assert refused.value.code == "too_many_codes"
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").count() == MAX_CODES_PER_HOUR + 1

    _send(request, now=burst + timedelta(hours=1, minutes=1))
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").count() == MAX_CODES_PER_HOUR + 2


def test_a_resend_keeps_the_wrong_codes_already_typed(subject):
    request = make_request(subject)
    _send(request)
    for _ in range(2):
        with pytest.raises(InvalidInput):
            _type(request, _wrong(_last_code()))
    _send(request, now=MONDAY + timedelta(seconds=1))
    assert DataSubjectRequest.objects.get(pk=request.pk).identity_otp_attempts == 2


def test_each_wrong_code_is_audited_without_the_code(subject):
    request = make_request(subject)
    _send(request)
    wrong = _wrong(_last_code())
    for _ in range(3):
        with pytest.raises(InvalidInput):
            _type(request, wrong)
    refused = AuditEntry.objects.filter(action="dsr.request.identity_code_refused", target_id=str(request.pk))
    assert sorted(entry.data["attempts"] for entry in refused) == [1, 2, 3]
    assert all(wrong not in str(entry.data) for entry in refused)


def test_after_the_limit_the_phone_code_is_refused_for_the_request_but_a_document_still_verifies(subject):
    request = make_request(subject)
    _exhaust(request)
    right = _last_code()

    with pytest.raises(Conflict) as resend:
        _send(request, now=MONDAY + timedelta(hours=2))
    assert resend.value.code == EXHAUSTED
    with pytest.raises(Conflict) as typed:
        _type(request, right)
    assert typed.value.code == EXHAUSTED
    with translation.override("en"):
        assert "identity document or eKYC" in str(typed.value.text)

    verified = services.request_verify_identity(
        actor=STAFF, request_id=request.pk, method="branch_documents", document_number=subject.national_id,
        now=MONDAY,
    )
    assert verified.identity_method == "branch_documents"


def test_the_api_answers_409_with_the_code_once_the_limit_is_reached(subject, as_user, privacy_officer):
    request = make_request(subject)
    _exhaust(request)
    response = as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/send-identity-code/", format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == EXHAUSTED
    assert "identity document or eKYC" in response.json()["detail"]


def test_the_staff_page_shows_the_refusal_in_vietnamese(subject, client, privacy_officer):
    request = make_request(subject)
    _exhaust(request)
    client.force_login(privacy_officer)
    with translation.override("vi"):
        url = reverse("dsr:act", args=[request.pk, "send_code"])
    page = client.post(url, follow=True).content.decode()
    assert "Nhập sai mã quá nhiều lần cho yêu cầu này" in page
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").count() == 1


def test_a_code_sent_before_the_blind_index_key_is_rotated_still_verifies(subject, settings):
    """The documented rotation (docs/security.md) keeps the old key as BLIND_INDEX_KEY_PREVIOUS while the
    stored values are re-indexed: a code already on its way to the customer's phone still works."""
    request = make_request(subject)
    _send(request)
    settings.BLIND_INDEX_KEY_PREVIOUS = settings.BLIND_INDEX_KEY
    settings.BLIND_INDEX_KEY = "rotated-" + "k" * 40
    _type(request, _last_code())
    request.refresh_from_db()
    assert (request.identity_method, request.identity_otp_attempts) == ("otp_phone", 0)


def _capped_entries(request) -> list[dict]:
    entries = AuditEntry.objects.filter(action="dsr.request.identity_code_capped", target_id=str(request.pk))
    return list(entries.order_by("recorded_at", "pk").values_list("data", flat=True))


def test_a_code_typed_or_sent_after_the_attempts_ran_out_is_audited(subject):
    """The DPO sees a brute-force attempt go on after the cap: each refusal it meets is in the trail."""
    request = make_request(subject)
    _exhaust(request)
    assert _capped_entries(request) == []  # the last wrong code is audited as such
    with pytest.raises(Conflict) as typed:
        _type(request, "123456", now=MONDAY + timedelta(minutes=1))
    with pytest.raises(Conflict) as sent:
        _send(request, now=MONDAY + timedelta(minutes=2))
    assert typed.value.code == sent.value.code == EXHAUSTED
    assert _capped_entries(request) == [
        {"cap": "attempts", "attempts": OTP_MAX_ATTEMPTS},
        {"cap": "attempts", "attempts": OTP_MAX_ATTEMPTS},
    ]
    request.refresh_from_db()
    assert (request.identity_verified_at, request.identity_otp_attempts) == (None, OTP_MAX_ATTEMPTS)


def test_a_code_refused_by_the_hourly_cap_is_audited(subject):
    request = make_request(subject)
    for minute in range(MAX_CODES_PER_HOUR):
        _send(request, now=MONDAY + timedelta(minutes=minute))
    sent = OutboxMessage.objects.filter(topic="dsr.identity_code").count()
    with pytest.raises(Conflict) as refused:
        _send(request, now=MONDAY + timedelta(minutes=MAX_CODES_PER_HOUR))
    assert refused.value.code == "too_many_codes"
    assert _capped_entries(request) == [{"cap": "codes_per_hour", "attempts": 0}]
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").count() == sent
