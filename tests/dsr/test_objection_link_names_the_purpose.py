"""*My consents* tells the customer a purpose profiles them or decides by automated means, with a link to
object. The link opens the new request with that purpose ticked: the form's "tick none to cover every
purpose" would otherwise turn an objection to one decision into one against every purpose."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.consents.factories import make_purpose
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def test_the_link_to_object_names_the_purpose_objected_to(customer_a):
    make_purpose("segments", category="marketing", automated_processing="profiling")
    client = signed_in(customer_a)

    consents_page = client.get(reverse("consents:me_consents")).content.decode()
    link = reverse("dsr:me_new") + "?type=object&amp;purpose=segments"
    form = client.get(reverse("dsr:me_new") + "?type=object&purpose=segments").content.decode()

    assert link in consents_page
    assert re.search(r'<input[^>]*value="segments"[^>]*checked', form)
