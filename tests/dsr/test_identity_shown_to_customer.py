"""The customer's page of their request says when and how their identity was checked. Before, once a
request was verified the page said nothing of it: a customer whose request someone else got verified
(a caller who knew their CIF, with a code or a document) could not tell from their own page that the
bank believed it had checked them, nor tell the bank "that was not me". Identity-verification review."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.dsr.factories import verified_request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_customer_sees_how_and_when_their_identity_was_checked(client, language):
    user = make_customer()
    request = verified_request(user.customer_account.subject, channel="branch")
    client.force_login(user)
    with translation.override(language):
        page = client.get(reverse("dsr:me_detail", args=[request.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="identity-checked"' in html
    with translation.override(language):
        assert str(request.get_identity_method_display()) in html
        assert str(translation.gettext("If this was not you, call the bank at once.")) in html
