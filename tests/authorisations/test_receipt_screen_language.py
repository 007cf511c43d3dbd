"""The proof of an authorisation says which language its consent screen showed, as a consent's receipt
says which text of the notice the customer read (`notice.shown_in`): recorded on the authorisation
(`screen_language`) and stated in its receipts as `consent_screen.shown_in`, only where it is known. An
authorisation given elsewhere (no screen) states nothing, and receipts already issued keep their bytes."""

from __future__ import annotations

import json

import pytest

from authorisations import selectors
from authorisations.models import Authorisation
from authorisations.receipts import authorisation_receipt
from tests.authorisations.factories import approve, authorise, credentials, pkce_pair

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_screens_language_is_recorded_and_in_the_receipt(browser1, registration, customer1, language):
    browser1.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client_id, _secret = credentials(registration)
    _verifier, challenge = pkce_pair()
    approve(browser1, client_id, challenge)

    authorisation = Authorisation.objects.get(subject=customer1.customer_account.subject)
    assert authorisation.screen_language == language
    receipt = json.loads(selectors.authorisation_receipt(authorisation))
    assert receipt["consent_screen"] == {"shown_in": language}


def test_no_screen_no_language_and_the_receipt_says_nothing_of_it(customer1):
    authorisation = authorise(customer1)
    assert authorisation.screen_language is None
    receipt = json.loads(selectors.authorisation_receipt(authorisation))
    assert "consent_screen" not in receipt
    # Built again from the row, a receipt issued before the field existed is the same bytes.
    event = authorisation.events.get()
    assert authorisation_receipt(authorisation, event) == event.receipt
