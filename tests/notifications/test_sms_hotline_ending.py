"""The hotline ending an SMS (`integrations.delivery.render_sms`) is whole or absent: a cut at
`SMS_MAX_CHARS` that left "call 1800 54" would send the customer to someone else's number."""

from __future__ import annotations

import pytest

from integrations import delivery
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
HOTLINE = "1800 5454"


@pytest.fixture(autouse=True)
def hotline(settings):
    settings.BANK_HOTLINE = HOTLINE


def _received_sms(language: str = "vi") -> str:
    make_request(make_subject(email="", preferred_language=language), type="access")
    return render_sms(OutboxMessage.objects.get(topic="dsr.customer.received", kind=OutboxMessage.Kind.SMS))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_cut_at_the_limit_never_leaves_half_a_hotline_number(monkeypatch, language):
    whole = _received_sms(language)
    # The limit falls between the number's two groups of digits.
    monkeypatch.setattr(delivery, "SMS_MAX_CHARS", whole.index(HOTLINE) + 6)
    text = render_sms(OutboxMessage.objects.get(topic="dsr.customer.received", kind=OutboxMessage.Kind.SMS))
    assert HOTLINE not in text and "1800" not in text
    assert text.endswith(".") and whole.startswith(text)
