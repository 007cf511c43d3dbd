"""The customer's page of who can read their data says how often each third party may read it, as the
consent screen said when they agreed: once, or at most N times a day (Australia's CDR dashboard: whether
data is collected once or over a period; India's AA artefact: fetch type and frequency)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.authorisations.factories import authorise, register

pytestmark = pytest.mark.django_db


def _how_often(page: str, authorisation) -> str:
    card = page.split(f'data-testid="authorisation-{authorisation.pk}"', 1)[1].split("</section>", 1)[0]
    found = re.search(r'data-testid="how-often">(.*?)</p>', card, re.S)
    assert found, card
    return " ".join(found.group(1).split())


def test_my_authorisations_say_once_or_how_many_reads_a_day(customer1, browser1):
    once = authorise(customer1, registration=register(fetch_type="one_time", frequency_per_day=4))
    daily = authorise(customer1, registration=register(fetch_type="periodic", frequency_per_day=3))
    with translation.override("en"):
        page = browser1.get("/en/me/authorisations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _how_often(page, once) == "How often: Once"
    assert _how_often(page, daily) == "How often: At most 3 times a day"
