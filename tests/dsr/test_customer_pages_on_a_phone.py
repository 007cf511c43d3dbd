"""The phone review of the customer's request pages, what a server-side render shows: a request's page
is named after the request in the browser's tab list and history, and the contact fields ask the phone
for the matching keyboard and autofill (the staff intake form, typing another person's details, gets the
keyboard without the staff member's own details offered)."""
from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from dsr.forms import CustomerRequestForm, ProfileForm, StaffIntakeForm
from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db


def _title(page: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).strip()


def test_a_requests_page_title_names_the_request_not_the_list(logged_in, customer_a):
    request = make_request(customer_a.customer_account.subject, type="access", channel="internet_banking")
    client = logged_in(customer_a)
    for prefix, lang in (("", "vi"), ("/en", "en")):
        detail = _title(client.get(f"{prefix}/me/requests/{request.pk}/").content.decode())
        listing = _title(client.get(f"{prefix}/me/requests/").content.decode())
        assert detail != listing
        assert request.reference in detail
        with translation.override(lang):
            assert str(request.get_type_display()) in detail, detail


@pytest.mark.parametrize(("form_class", "phone", "email"), [
    (ProfileForm, "phone", "email"),
    (CustomerRequestForm, "new_phone", "new_email"),
])
def test_the_customers_contact_fields_open_the_matching_keyboard_and_autofill(form_class, phone, email):
    form = form_class()
    assert 'type="tel"' in str(form[phone]) and 'autocomplete="tel"' in str(form[phone])
    assert 'type="email"' in str(form[email]) and 'autocomplete="email"' in str(form[email])


def test_the_staff_intake_gets_the_keyboard_but_not_the_staff_members_own_autofill():
    form = StaffIntakeForm()
    assert 'type="tel"' in str(form["new_phone"]) and 'autocomplete="off"' in str(form["new_phone"])
    assert 'type="email"' in str(form["new_email"]) and 'autocomplete="off"' in str(form["new_email"])


def test_the_contact_fields_still_take_what_they_took(logged_in, customer_a):
    """The keyboard changed, not the validation: a phone with spaces and an invalid e-mail reach the same
    checks as before (the form keeps its novalidate, the service decides)."""
    form = ProfileForm({"phone": "0912 345 678", "email": "khong-phai-email", "address": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "khong-phai-email"
