"""A customer who lives abroad has only a foreign phone: an overseas Vietnamese in California (+1), a Korean
working in Hà Nội who kept a Korean number (+82). Before, every number but a Vietnamese one was refused
("Enter a Vietnamese phone number"), so the branch could not record the only phone they have, and without a
registered phone no identity code could reach them: a request filed from abroad could be verified only at a
branch. A foreign number is kept in international form (+ and the country code, E.164); a Vietnamese one
stays in the national form. Customer-abroad review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import InvalidInput
from dsr import services
from integrations.models import OutboxMessage
from subjects.validators import normalize_phone
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject


@pytest.mark.parametrize(("typed", "kept"), [
    ("+1 (415) 555-0123", "+14155550123"),
    ("+82 10-1234-5678", "+821012345678"),
    ("0082 10 1234 5678", "+821012345678"),
    ("+84 912 345 678", "0912345678"),
    ("0912 345 678", "0912345678"),
])
def test_a_foreign_number_is_kept_in_international_form(typed, kept):
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize(
    "typed", ["+1 555", "+0 415 555 0123", "+1 415 555 0123 4567 8", "+84 123", "+1 415 abc"]
)
def test_a_number_no_country_could_dial_is_still_refused(typed):
    with pytest.raises(InvalidInput) as refused:
        normalize_phone(typed)
    assert refused.value.field == "phone"


@pytest.mark.django_db
def test_the_branch_records_a_us_number_and_finds_the_customer_by_it(as_user, officer):
    client = as_user(officer)
    created = client.post("/api/v1/subjects/", {
        "external_ref": "CIFUS0001", "full_name": "Tran Thi Lan", "phone": "+1 415 555 0123",
        "email": "lan.tran@example.com",
    }, format="json", HTTP_X_ACCESS_REASON="registering the customer at the counter")
    assert created.status_code == 201, created.content
    assert created.json()["phone"] == "+14155550123"

    found = client.post("/api/v1/subjects/search/", {"phone": "+1 (415) 555-0123"}, format="json")
    assert found.status_code == 200, found.content
    assert [row["external_ref"] for row in found.json()["results"]] == ["CIFUS0001"]


@pytest.mark.django_db
def test_the_identity_code_of_a_request_filed_from_abroad_goes_to_the_foreign_phone():
    subject = make_subject(phone="+82 10 1234 5678", national_id="", passport_number="M12345678")
    request = make_request(subject, channel="internet_banking", now=timezone.now() - timedelta(minutes=5))
    services.request_identity_otp_send(actor=STAFF, request_id=request.pk)
    assert OutboxMessage.objects.get(topic="dsr.identity_code").destination == "+821012345678"


@pytest.mark.parametrize(("typed", "kept"), [
    ("+44 (0)20 7946 0958", "+442079460958"),
    ("+84 (0) 912 345 678", "0912345678"),
    ("0049 (0)30 1234 5678", "+493012345678"),
])
def test_the_trunk_zero_written_in_brackets_after_the_country_code_is_left_out(typed, kept):
    """"+44 (0)20 ...", "+84 (0)912 ...": the 0 is dialled only from inside the country. Kept, the same
    number typed with and without it had two forms (two blind indexes), and a code went to a number no
    network has."""
    assert normalize_phone(typed) == kept


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("vi", "mã quốc gia"), ("en", "country code")])
def test_a_malformed_foreign_number_is_a_400_naming_the_phone_in_the_callers_language(
    as_user, officer, language, words
):
    response = as_user(officer).post("/api/v1/subjects/", {
        "external_ref": "CIFUS0002", "full_name": "Tran Thi Lan", "phone": "+1 555",
    }, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400, response.content
    assert words in str(response.json())
