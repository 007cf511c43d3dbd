"""A customer who sends a purpose's switch form with nothing chosen (the switch left off, "Save" pressed
without JavaScript, or a post with no answer at all) agreed to nothing and withdrew nothing. The page
said "There is no consent to withdraw for this purpose.", as if they had asked to withdraw, at the top
of the page; it now says, in that purpose's card, that nothing changed and the purpose stays off."""

from __future__ import annotations

import html

import pytest

from consents.models import Consent
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", [{}, {"notice_version": "v1"}])
def test_nothing_chosen_records_nothing_and_says_the_purpose_stays_off(customer_a, catalogue, body):
    answer = signed_in(customer_a).post("/en/me/consents/marketing/", body, follow=True)

    assert [url for url, _status in answer.redirect_chain] == ["/en/me/consents/#purpose-marketing"]
    page = html.unescape(answer.content.decode())
    assert "no consent to withdraw" not in page
    card = page.split('id="purpose-marketing"', 1)[1].split("</article>", 1)[0]
    assert "Nothing changed" in card and "stays off" in card
    assert not Consent.objects.exists()
