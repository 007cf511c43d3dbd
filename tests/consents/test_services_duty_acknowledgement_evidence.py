"""Staff closing a recipient's duty must say how the recipient confirmed (the proof that it stopped, or
corrected the data, is the bank's to keep); a recipient confirming through its own API credentials need
not. Staff could close a stop with no evidence at all: an empty note was taken as given."""

from __future__ import annotations

import html
import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from consents import services
from consents.models import WithdrawalDuty
from core.actors import actor_for_user
from core.errors import InvalidInput
from tests.consents.factories import STAFF, withdrawn_with_a_hooked_partner
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
NOTE_REQUIRED = "Say how the recipient confirmed"


@pytest.fixture
def duty():
    return withdrawn_with_a_hooked_partner("Hooked Partner", "share-h")


@pytest.mark.parametrize("note", ["", "   "])
def test_staff_cannot_close_a_duty_without_saying_how_the_recipient_confirmed(duty, note):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note=note)
    assert refused.value.field == "note" and NOTE_REQUIRED in refused.value.text
    duty.refresh_from_db()
    assert duty.status == WithdrawalDuty.Status.OPEN


def test_the_recipient_confirming_through_its_own_credentials_needs_no_note(duty):
    client = duty.recipient.client
    services.duty_acknowledge(actor=actor_for_user(client), duty_id=duty.pk, client_user_id=client.pk)
    duty.refresh_from_db()
    assert duty.status == WithdrawalDuty.Status.ACKNOWLEDGED


def test_the_api_answers_400_on_note_to_staff(duty, as_user, privacy_officer):
    with translation.override("en"):
        answer = as_user(privacy_officer).post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/",
                                               {"note": ""}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert NOTE_REQUIRED in answer.json()["note"][0]
    duty.refresh_from_db()
    assert duty.status == WithdrawalDuty.Status.OPEN


def test_the_page_shows_the_error_on_the_duty_s_note(duty, privacy_officer):
    with translation.override("en"):
        url = reverse("consents:duty_acknowledge", args=[duty.pk])
    answer = signed_in(privacy_officer).post(url, {"note": ""})
    assert answer.status_code == 400
    page = html.unescape(answer.content.decode()).split('data-testid="duty-table"', 1)[1]
    row = page[page.index("Hooked Partner"):].split("</tr>")[0]
    assert 'aria-invalid="true"' in row and NOTE_REQUIRED in row
    duty.refresh_from_db()
    assert duty.status == WithdrawalDuty.Status.OPEN


@pytest.mark.parametrize(
    ("already", "reason"),
    [
        ("acknowledged", "This withdrawal duty is already closed (“Acknowledged”)."),
        ("unknown", "No such withdrawal duty."),
    ],
)
def test_the_page_says_why_a_duty_it_no_longer_lists_was_not_acknowledged(
    duty, privacy_officer, already, reason
):
    """A refusal that is not about the note (the duty already acknowledged, or none with that id) is a
    message on the list the person is sent back to: the duty's row, and its form, may be gone from it."""
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter of 3 March")
    target = duty.pk if already == "acknowledged" else uuid.uuid4()
    with translation.override("en"):
        url = reverse("consents:duty_acknowledge", args=[target])
        listed = reverse("consents:duty_list")
    answer = signed_in(privacy_officer).post(url, {"note": "a second letter"})
    assert answer.status_code == 302 and answer["Location"] == listed
    said = [str(message) for message in get_messages(answer.wsgi_request)]
    assert said == [reason]
    duty.refresh_from_db()
    assert duty.acknowledgement_note == "letter of 3 March"
