"""Once too many wrong codes were typed for a request (`OTP_MAX_ATTEMPTS`), the requester's own page still
offered "Send me a code" and the code box, and each press answered, at the top of the page, the officer's
words: "verify the requester with an identity document or eKYC". The page now offers no code then and
says, in the customer's words, what they can do instead. Re-read of the identity-verification review."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.actors import actor_for_user
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.services.identity import OTP_MAX_ATTEMPTS
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_offers_no_code_once_too_many_wrong_codes_were_typed(client, language):
    user = make_customer()
    request = services.request_create(
        actor=actor_for_user(user), subject=user.customer_account.subject, type="access",
        channel="internet_banking",
    )
    DataSubjectRequest.objects.filter(pk=request.pk).update(identity_otp_attempts=OTP_MAX_ATTEMPTS)
    client.force_login(user)
    with translation.override(language):
        page = client.get(reverse("dsr:me_detail", args=[request.pk]))
        explained = str(translation.gettext(
            "Too many wrong codes were typed for this request, so we can no longer check it is you by a "
            "code. Show your CCCD or passport at any branch, or use eKYC in the mobile app."
        ))
    content = page.content.decode()
    assert 'data-testid="identity-code-send"' not in content
    assert 'data-testid="identity-code-form"' not in content
    assert explained in content
