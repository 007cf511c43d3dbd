"""A one-time code keeps its SMS as it was, the code and its warning alone (docs/operations.md): no hotline
ending is added to it. A code SMS is already five parts of UCS-2 in Vietnamese, and a number to call
beside a code is what a scam SMS looks like."""

from __future__ import annotations

import re

import pytest

from dsr import services as dsr_services
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
HOTLINE = "1800 5454"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_code_by_sms_gets_no_hotline_ending(settings, language, django_capture_on_commit_callbacks):
    settings.BANK_HOTLINE = HOTLINE
    request = make_request(make_subject(email="", preferred_language=language))
    with django_capture_on_commit_callbacks():
        dsr_services.request_identity_otp_send(actor=STAFF, request_id=request.pk)
    text = render_sms(OutboxMessage.objects.get(topic="dsr.identity_code"))
    assert re.search(r"\b\d{6}\b", text)
    assert HOTLINE not in text and "chi nhánh nào" not in text and "Questions:" not in text
