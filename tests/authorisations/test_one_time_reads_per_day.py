"""A one-time authorisation ("Once" on the consent screen) allows one read in all: its receipt and the API
say so (`frequency_per_day` null, as introspection answers), never the third party's registered reads a day,
which the customer was not shown and did not agree to."""

from __future__ import annotations

import json

import pytest

from authorisations import selectors
from tests.authorisations.factories import authorise, register

pytestmark = pytest.mark.django_db


def test_a_one_time_authorisations_receipt_names_no_reads_a_day(customer1):
    authorisation = authorise(customer1, registration=register(fetch_type="one_time", frequency_per_day=4))
    receipt = json.loads(selectors.authorisation_receipt(authorisation))
    assert receipt["fetch_type"] == "one_time"
    assert receipt["frequency_per_day"] is None


def test_the_api_says_once_for_a_one_time_authorisation_and_n_a_day_for_a_periodic_one(customer1, as_user):
    once = authorise(customer1, registration=register(fetch_type="one_time", frequency_per_day=4))
    daily = authorise(customer1, registration=register(fetch_type="periodic", frequency_per_day=3))
    api = as_user(customer1)
    assert api.get(f"/api/v1/authorisations/{once.pk}/").json()["frequency_per_day"] is None
    assert api.get(f"/api/v1/authorisations/{daily.pk}/").json()["frequency_per_day"] == 3
    receipt = json.loads(selectors.authorisation_receipt(daily))
    assert receipt["frequency_per_day"] == 3
