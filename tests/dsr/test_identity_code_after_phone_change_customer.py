"""The customer's side of "no code to a phone changed after the request came in" (409
`registered_phone_changed`). Their request's page still offered "Send me a code" once the phone on their
record had changed (at a counter, or by themself in self-service), and pressing it answered, at the top of
the page, the officer's words: "a code to it does not show who asked. Verify with an identity document at a
branch or eKYC". The page now offers no code then and says, in the customer's words, why and what they can
do instead. The check reads the trail in one query returning at most one row, whatever the customer's
history. Re-read of the identity-verification review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.actors import actor_for_user
from dsr import services
from dsr.selectors import registered_phone_changed_since_request
from subjects import services as subject_services
from tests.dsr.factories import STAFF
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _filed_an_hour_ago(user):
    return services.request_create(
        actor=actor_for_user(user), subject=user.customer_account.subject, type="access",
        channel="internet_banking", now=timezone.now() - timedelta(hours=1),
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_offers_no_code_to_a_phone_changed_after_the_request(client, language):
    user = make_customer()
    request = _filed_an_hour_ago(user)
    subject_services.subject_rectify(
        actor=STAFF, subject_id=user.customer_account.subject.pk, changes={"phone": "0912345678"}
    )
    client.force_login(user)
    with translation.override(language):
        page = client.get(reverse("dsr:me_detail", args=[request.pk]))
        explained = str(translation.gettext(
            "The phone number on your record changed after you sent this request, so a code to it cannot "
            "show that it is you. Show your CCCD or passport at any branch, or use eKYC in the mobile app."
        ))
    assert b'data-testid="identity-code-send"' not in page.content
    assert b'data-testid="identity-phone-changed"' in page.content
    assert explained in page.content.decode()


def test_the_check_reads_at_most_one_row_of_the_trail():
    user = make_customer()
    request = _filed_an_hour_ago(user)
    for number in range(3):
        subject_services.subject_rectify(
            actor=STAFF, subject_id=user.customer_account.subject.pk, changes={"address": f"{number} Phố Huế"}
        )
    with CaptureQueriesContext(connection) as queries:
        assert registered_phone_changed_since_request(request) is False
    assert len(queries) == 1
    assert "LIMIT 1" in queries[0]["sql"].upper()
