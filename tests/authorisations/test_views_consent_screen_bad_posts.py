"""The consent screen (/oauth/authorize/) answers a tampered or empty POST with a clear refusal, never a
500: no application named (or an unknown one, allowed or declined) is a 400 saying so, and an
unregistered redirect URI gets the OAuth toolkit's own refusal page, with no authorisation granted."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from authorisations.models import Authorisation
from tests.authorisations.factories import authorize_url, credentials, hidden_fields, pkce_pair, sign_in

pytestmark = pytest.mark.django_db
UNKNOWN_CLIENT = "The request does not name an application registered with the bank."


@pytest.fixture
def screen(registration, customer1):
    """A signed-in customer's browser, and the hidden fields of the consent screen it was shown."""
    browser = Client(raise_request_exception=False)
    sign_in(browser, "customer1")
    client_id, _secret = credentials(registration)
    _verifier, challenge = pkce_pair()
    fields = hidden_fields(browser.get(authorize_url(client_id, challenge)))
    return browser, dict(fields, duration_days=fields["requested_days"])


def _post(browser, data):
    with translation.override("en"):
        return browser.post("/oauth/authorize/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_an_empty_post_is_refused_with_400_naming_the_missing_application(screen):
    browser, _fields = screen

    response = _post(browser, {})

    assert response.status_code == 400
    assert UNKNOWN_CLIENT in response.content.decode()


@pytest.mark.parametrize("client_id", ["", "nope"])
@pytest.mark.parametrize("allow", [True, False])
def test_an_unknown_or_missing_client_id_is_refused_with_400(screen, client_id, allow):
    browser, fields = screen
    data = dict(fields, client_id=client_id)
    if allow:
        data["allow"] = "on"
    else:
        data.pop("allow", None)

    response = _post(browser, data)

    assert response.status_code == 400
    assert UNKNOWN_CLIENT in response.content.decode()


def test_an_unregistered_redirect_uri_gets_the_toolkits_refusal_and_no_authorisation(screen):
    browser, fields = screen

    response = _post(browser, dict(fields, allow="on", redirect_uri="https://evil.example/cb"))

    assert response.status_code == 400
    assert "Location" not in response
    assert not Authorisation.objects.exists()
