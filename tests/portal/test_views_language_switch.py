"""The language switch keeps the place, and never leads off the site: the address it redirects to is
checked after the language prefix is taken off (`/en//evil.example/` must not become `//evil.example/`,
which a browser reads as another host)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("next_url", [
    "/en//evil.example/path",
    "/vi//evil.example/",
    "/en/\\evil.example/",
    "/en/\\/evil.example/",
    "/en//\\evil.example/",
    "/en/\t/evil.example/",
    "/en",
])
def test_switching_to_vietnamese_never_redirects_off_the_site(client, next_url):
    response = client.post("/i18n/setlang/", {"language": "vi", "next": next_url})
    location = response["Location"]
    normalised = location.replace("\\", "/").replace("%5C", "/").replace("%5c", "/")
    assert response.status_code == 302
    assert not normalised.startswith("//") and not urlsplit(normalised).netloc, location
    assert response.cookies["django_language"].value == "vi"


@pytest.mark.parametrize("next_url", ["/en//evil.example/path", "/vi//evil.example/", "https://evil.example/"])
def test_an_address_that_would_lead_off_the_site_falls_back_to_the_home_page(client, next_url):
    assert client.post("/i18n/setlang/", {"language": "vi", "next": next_url})["Location"] == "/"
    assert client.post("/i18n/setlang/", {"language": "en", "next": next_url})["Location"].startswith("/en")


@pytest.mark.parametrize(("language", "next_url", "expected"), [
    ("vi", "/en/me/requests/", "/me/requests/"),
    ("en", "/me/requests/", "/en/me/requests/"),
    ("vi", "/en", "/"),
    ("en", "/", "/en/"),
])
def test_the_switch_keeps_the_place(client, language, next_url, expected):
    assert client.post("/i18n/setlang/", {"language": language, "next": next_url})["Location"] == expected


@pytest.mark.parametrize(("address", "expected"), [
    ("/vi/me/", "/me/"),
    ("/vi/portal/requests/?status=received&type=access", "/portal/requests/?status=received&type=access"),
    ("/vi/", "/"),
    ("/vi", "/"),
    ("/vi//evil.example/", "/evil.example/"),
    ("/vi/\\evil.example/", "/evil.example/"),
])
def test_the_vietnamese_prefix_leads_to_the_unprefixed_pages_and_stays_on_the_site(client, address, expected):
    """Vietnamese, the default, has no prefix; `/vi/...` (a bank's link, another system) still arrives."""
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_vietnamese_prefix_reaches_a_vietnamese_page(client):
    page = client.get("/vi/accounts/login/", follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0] == "/accounts/login/"
    assert 'lang="vi"' in page.content.decode()


@pytest.mark.parametrize(("language", "next_url", "expected"), [
    ("en", "http://testserver/portal/", "/en/portal/"),
    ("en", "http://testserver/me/requests/?status=received", "/en/me/requests/?status=received"),
    ("vi", "http://testserver/en/portal/", "/portal/"),
    ("en", "http://testserver", "/en/"),
])
def test_a_full_address_on_this_site_leads_to_the_same_page_in_the_language_chosen(
    client, language, next_url, expected
):
    """A page, a browser or a proxy may send the whole address back (`http://testserver/portal/`): it led
    to `/enhttp://testserver/portal/`, a page that does not exist."""
    assert client.post("/i18n/setlang/", {"language": language, "next": next_url})["Location"] == expected


@pytest.mark.parametrize("next_url", ["http://evil.example/portal/", "https://testserver.evil.example/"])
def test_a_full_address_on_another_site_still_falls_back_to_the_home_page(client, next_url):
    assert client.post("/i18n/setlang/", {"language": "en", "next": next_url})["Location"] == "/en/"
