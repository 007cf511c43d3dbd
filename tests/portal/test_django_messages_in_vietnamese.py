"""Django's own form-validation messages read in Vietnamese on Vietnamese pages: Django's Vietnamese
catalogue leaves several blank (null characters, slugs), and a customer or staff member got English
between Vietnamese labels. The project's catalogue carries them (`core.django_messages`)."""

from __future__ import annotations

import html
from pathlib import Path

import django
import pytest
from django.test import Client
from django.utils import translation

from core import django_messages
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db

DJANGO_ENGLISH = Path(django.__file__).parent / "conf/locale/en/LC_MESSAGES/django.po"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_null_character_is_refused_in_vietnamese_on_the_customers_profile():
    customer = make_customer(make_subject())
    client = Client()
    client.force_login(customer)
    response = client.post("/me/profile/", {"phone": "", "email": "", "address": "a\x00b"})
    assert response.status_code == 200
    assert "Null characters" not in _text(response)
    with translation.override("vi"):
        assert translation.gettext("Null characters are not allowed.") in _text(response)


@pytest.mark.parametrize("path", ["/portal/purposes/new/", "/portal/requests/systems/new/"])
def test_a_wrong_code_is_refused_in_vietnamese_on_staff_pages(dpo, path):
    client = Client()
    client.force_login(dpo)
    response = client.post(path, {"code": "mã sai!", "name_vi": "x"})
    assert response.status_code == 200
    assert "Enter a valid" not in _text(response)
    slug = "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
    with translation.override("vi"):
        assert translation.gettext(slug) != slug
        assert translation.gettext(slug) in _text(response)


def test_every_kept_message_is_one_of_djangos_and_has_its_vietnamese():
    english = DJANGO_ENGLISH.read_text(encoding="utf-8").replace('"\n"', "")
    for message in django_messages.MESSAGES:
        assert f'msgid "{message}"' in english, message
        with translation.override("vi"):
            assert translation.gettext(message) != message, message
