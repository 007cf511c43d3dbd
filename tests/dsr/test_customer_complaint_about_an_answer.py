"""The complaint a refused customer is led to from their request's page starts from that request: the
"Send a complaint to the bank" link opened an empty complaint form, so the customer had to copy the
reference themselves and the privacy officer could not tell which answer was challenged."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.dsr.factories import verified_request
from tests.dsr.test_customer_follow_up import _page, _refused, customer_client  # noqa: F401
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _complaint_link(page: str) -> str:
    section = page[page.index('data-testid="challenge"'):]
    href = section.split('data-testid="complain"')[0].rsplit('href="', 1)[1].split('"')[0]
    return href.replace("&amp;", "&")


def _details_box(page: str) -> str:
    return page.split('name="details"', 1)[1].split("</textarea>", 1)[0]


def test_the_complaint_form_names_the_request_being_challenged(customer_client, subject):  # noqa: F811
    refused = _refused(subject)

    form = customer_client.get(_complaint_link(_page(customer_client, refused)))

    assert form.status_code == 200
    assert form.context["form"]["type"].value() == "complaint"
    assert refused.reference in form.context["form"]["details"].value()
    assert refused.reference in _details_box(form.content.decode())


def test_another_customers_reference_is_not_filled_in(customer_client, subject):  # noqa: F811
    someone_else = verified_request(make_subject(), type="access")
    query = urlencode({"type": "complaint", "about": someone_else.reference})

    form = customer_client.get(f"{reverse('dsr:me_new')}?{query}")

    assert form.status_code == 200
    assert not form.context["form"]["details"].value()
    assert someone_else.reference not in _details_box(form.content.decode())
