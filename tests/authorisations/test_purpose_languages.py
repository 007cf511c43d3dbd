"""A third party states its purpose in Vietnamese and English, and the customer reads the one of the
page they are on: on the consent screen, in their list of authorisations and on the receipt."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from authorisations.models import Authorisation
from tests.authorisations.factories import authorise, consent_screen, register
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
VIETNAMESE = "Đối soát giao dịch vào sổ kế toán của bạn"
ENGLISH = "Reconcile your transactions into your accounting books"


@pytest.fixture
def registration():
    return register(purpose=VIETNAMESE, purpose_en=ENGLISH)


@pytest.mark.parametrize(
    ("language", "shown", "hidden"), [("vi", VIETNAMESE, ENGLISH), ("en", ENGLISH, VIETNAMESE)]
)
def test_the_consent_screen_states_the_purpose_in_the_readers_language(registration, language, shown, hidden):
    browser = Client()
    browser.force_login(make_customer(username="doc_gia"))
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page, _fields = consent_screen(browser, registration)
    body = page.content.decode()

    assert shown in body and hidden not in body


def test_the_authorisation_keeps_both_languages_as_agreed(registration):
    customer = make_customer(username="ke_toan")
    authorisation = authorise(customer, registration=registration)
    registration.third_party.purpose_en = "Something else since"
    registration.third_party.save()

    receipt = json.loads(Authorisation.objects.get(pk=authorisation.pk).events.get().receipt)
    assert (receipt["purpose"], receipt["purpose_en"]) == (VIETNAMESE, ENGLISH)
    page = Client()
    page.force_login(customer)
    body = page.get("/en/me/authorisations/").content.decode()
    assert ENGLISH in body and VIETNAMESE not in body


def test_an_english_text_is_optional_and_falls_back_to_vietnamese():
    registration = register(purpose=VIETNAMESE)
    customer = make_customer(username="chi_viet")
    authorise(customer, registration=registration)
    page = Client()
    page.force_login(customer)

    assert VIETNAMESE in page.get("/en/me/authorisations/").content.decode()


def test_the_language_switch_on_the_consent_screen_keeps_its_address(registration):
    browser = Client()
    browser.force_login(make_customer(username="song_ngu"))
    screen = "/oauth/authorize/?response_type=code&client_id=x"

    switched = browser.post("/i18n/setlang/", {"language": "en", "next": screen})

    assert switched.status_code == 302 and switched["Location"] == screen
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
