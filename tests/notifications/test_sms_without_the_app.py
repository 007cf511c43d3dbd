"""An SMS tells a customer who has no smartphone nor internet banking (an elderly customer at a rural
branch) where else to learn more: the bank's hotline, when the bank has set it, and any branch. "Details
in the app" alone leaves her nothing to act on."""

from __future__ import annotations

import pytest

from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _received_sms(language: str) -> str:
    make_request(make_subject(email="", preferred_language=language), type="access")
    message = OutboxMessage.objects.get(topic="dsr.customer.received", kind=OutboxMessage.Kind.SMS)
    return render_sms(message)


@pytest.mark.parametrize(("language", "branch"), [("vi", "chi nhánh"), ("en", "branch")])
def test_the_sms_names_the_hotline_and_the_branch(settings, language, branch):
    settings.BANK_HOTLINE = "1800 5454"
    text = _received_sms(language)
    assert "1800 5454" in text and branch in text


@pytest.mark.parametrize(("language", "branch"), [("vi", "chi nhánh"), ("en", "branch")])
def test_without_a_hotline_set_the_sms_still_names_the_branch(settings, language, branch):
    settings.BANK_HOTLINE = ""
    text = _received_sms(language)
    assert branch in text and "  " not in text
