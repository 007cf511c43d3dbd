"""A customer who presses "Yes, I agree" to a purpose using sensitive data without ticking the explicit
acknowledgement is answered on the confirmation itself, beside the box, in words addressed to them:
nothing is recorded, the notice and the box are still in front of them, and one tick and one press
finish it. Before, the refusal sent them back to the list of purposes with a sentence about "the
customer" (the officer's wording), so on a phone they had to find the purpose again, switch it on and
read the notice again to try once more."""

from __future__ import annotations

import html

import pytest

from consents.models import Consent
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
YES = {"on": "1", "confirmed": "1", "notice_version": "v1"}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_missing_tick_is_said_on_the_confirmation_beside_the_box(customer_a, catalogue, language):
    client = signed_in(customer_a)
    url = "/me/consents/biometric/" if language == "vi" else "/en/me/consents/biometric/"

    answer = client.post(url, YES)

    assert answer.status_code == 400
    page = html.unescape(answer.content.decode())
    assert 'data-testid="confirm-notice"' in page and 'data-testid="ack-biometric"' in page
    box = page.split('data-testid="ack-biometric"')[0].rsplit("<input", 1)[1]
    assert 'aria-invalid="true"' in box and 'aria-describedby="ack-error"' in box
    error = page.split('id="ack-error"', 1)[1].split("</p>", 1)[0]
    assert "the customer" not in error and "khách hàng" not in error
    assert ("Tick the box" in error) if language == "en" else ("Đánh dấu" in error)
    assert not Consent.objects.exists()

    ticked = client.post(url, {**YES, "sensitive_acknowledged": "1"})
    assert ticked.status_code == 302
    assert Consent.objects.get(purpose__code="biometric").sensitive_acknowledged
