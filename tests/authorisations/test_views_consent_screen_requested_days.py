"""The consent screen's hidden `requested_days` is the third party's ask, sealed when the screen is shown:
a customer who raises it (within the registration's maximum) is told the request was changed and no
authorisation is granted, not silently given a longer one. Shortening stays the customer's choice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from authorisations.models import Authorisation
from tests.authorisations.factories import consent_screen

pytestmark = pytest.mark.django_db
CHANGED = "The duration the application asked for was changed"


def _post(browser, data):
    with translation.override("en"):
        return browser.post("/oauth/authorize/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_a_raised_requested_days_is_refused_with_a_form_error(browser1, registration):
    _page, data = consent_screen(browser1, registration, duration_days=30)
    assert data["requested_days"] == 30

    response = _post(browser1, {**data, "requested_days": 365, "duration_days": 365, "allow": "on"})

    assert response.status_code == 400
    assert CHANGED in response.content.decode()
    assert not Authorisation.objects.exists()


def test_the_asked_duration_or_a_shorter_one_is_granted(browser1, registration):
    _page, data = consent_screen(browser1, registration, duration_days=30)

    response = _post(browser1, {**data, "duration_days": 7, "allow": "on"})

    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert authorisation.expires_at - authorisation.starts_at == timedelta(days=7)


def test_a_decline_is_never_held_up_by_the_duration(browser1, registration):
    _page, data = consent_screen(browser1, registration, duration_days=30)

    response = _post(browser1, {**data, "requested_days": 365})

    assert response.status_code == 302 and "error=access_denied" in response["Location"]
