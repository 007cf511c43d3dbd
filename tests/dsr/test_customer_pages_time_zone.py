"""The customer's pages show times (received, answer by, history) with no word of which clock: a customer
abroad, or reading the bank's UTC e-mail headers, could not tell. Each page that shows times says once,
plainly, that they are Vietnam time."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.dsr.factories import verified_request
from tests.dsr.test_customer_follow_up import customer_client  # noqa: F401

pytestmark = pytest.mark.django_db
NOTE = "All times on this page are Vietnam time (UTC+7)."


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_request_pages_say_once_their_times_are_vietnam_time(customer_client, subject, lang):  # noqa: F811
    request = verified_request(subject, type="access")
    prefix = "" if lang == "vi" else "/en"
    with translation.override(lang):
        note = translation.gettext(NOTE)
    if lang == "vi":
        assert note != NOTE

    for url in (reverse("dsr:me_detail", args=[request.pk]), reverse("dsr:me_requests")):
        page = customer_client.get(f"{prefix}{url}").content.decode()
        assert page.count(note) == 1, url
