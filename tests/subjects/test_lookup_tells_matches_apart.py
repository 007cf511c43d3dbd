"""A caller gives the phone number a parent and their child share: the look-up listed both by customer
number and registration day only, so the agent could not tell the caller's record from the other
without opening each (each opening a view of personal data on the trail). The list now gives each
match's age, as the customer page does with the values masked."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from subjects.validators import age_on
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def test_two_customers_sharing_a_phone_are_told_apart_by_age(officer):
    make_subject(phone="0912000111", date_of_birth=date(1970, 5, 1))
    make_subject(phone="0912000111", date_of_birth=date(2015, 5, 1))
    with translation.override("en"):
        url = reverse("subjects:customer_lookup")
    page = html.unescape(signed_in(officer).post(url, {"q": "0912000111"}).content.decode())
    assert page.count('data-testid="lookup-age"') == 2
    today = timezone.localdate()
    assert f"{age_on(date(1970, 5, 1), today)} years" in page
    assert f"{age_on(date(2015, 5, 1), today)} years" in page
