"""What a person or an API client sees when something goes wrong that is not an outage: a translated
page in the product's shell, never Django's bare English one; JSON in the contract's shape for the
API; and, for an unexpected error, the request's reference, which the logs carry too."""
from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import make_token

pytestmark = pytest.mark.django_db


def _bug(*args, **kwargs):
    raise ValueError("a bug with a secret in it")


def _title(body: str) -> str:
    return body.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize("prefix,heading", [("", "Đã có lỗi"), ("/en", "Something went wrong")])
def test_an_unexpected_error_shows_a_translated_page_with_the_requests_reference(
    customer_a, monkeypatch, prefix, heading
):
    browser = Client(raise_request_exception=False)
    browser.force_login(customer_a)
    monkeypatch.setattr("consents.views.customer._rows", _bug)

    response = browser.get(f"{prefix}/me/consents/", HTTP_X_REQUEST_ID="ref-123abc")

    assert response.status_code == 500
    body = response.content.decode()
    assert heading in _title(body)
    assert "ref-123abc" in body
    assert "secret" not in body
    assert 'href="/static/css/app.css"' in body or "app.css" in body


def test_an_unexpected_api_error_answers_json_with_the_reference(client_user, monkeypatch):
    caller = APIClient(raise_request_exception=False)
    caller.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, ['consents:read'])}")
    monkeypatch.setattr("consents.api.views.ConsentListCreateView.get", _bug)

    response = caller.get("/api/v1/consents/", HTTP_X_REQUEST_ID="ref-456def", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert "ref-456def" in detail and "secret" not in detail
    assert response["X-Request-ID"] == "ref-456def"


def test_the_error_log_names_the_reference_the_person_was_shown(customer_a, monkeypatch, caplog):
    browser = Client(raise_request_exception=False)
    browser.force_login(customer_a)
    monkeypatch.setattr("consents.views.customer._rows", _bug)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        browser.get("/me/consents/", HTTP_X_REQUEST_ID="ref-789abc")

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == "ref-789abc"


def test_the_log_format_prints_the_reference():
    formats = {f["format"] for f in settings.LOGGING["formatters"].values()}
    assert all("%(request_id)s" in fmt for fmt in formats)


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v9/consents/"])
def test_an_unknown_api_address_answers_json_404(client_user, path):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, ['consents:read'])}")

    response = caller.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/docs/" in response.json()["detail"]


def test_an_api_error_outside_drf_writes_vietnamese_as_drf_does(client_user):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, ['consents:read'])}")

    response = caller.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="vi")

    assert "Không có điểm cuối API" in response.content.decode("utf-8")


@pytest.mark.parametrize("prefix,title", [("", "Không tìm thấy trang"), ("/en", "Page not found")])
def test_the_not_found_page_has_a_title_a_person_can_read(client, prefix, title):
    response = client.get(f"{prefix}/portal/no-such-page/")

    assert response.status_code == 404
    assert title in _title(response.content.decode())


@pytest.mark.parametrize("prefix,title", [("", "Không có quyền truy cập"), ("/en", "Access denied")])
def test_the_forbidden_page_has_a_title_a_person_can_read(client, customer_a, prefix, title):
    client.force_login(customer_a)
    response = client.get(f"{prefix}/portal/")

    assert response.status_code == 403
    assert title in _title(response.content.decode())


@pytest.mark.parametrize("prefix,text", [
    ("", "Biểu mẫu đã hết hạn"),
    ("/en", "This form has expired"),
])
def test_a_stale_form_explains_itself_in_the_pages_language(prefix, text):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(f"{prefix}/accounts/login/", {"username": "someone", "password": "x"},
                            HTTP_REFERER=f"http://testserver{prefix}/accounts/login/")

    assert response.status_code == 403
    body = response.content.decode()
    assert text in _title(body)
    assert "CSRF" not in body
    assert f'href="{prefix}/accounts/login/"' in body


@pytest.mark.parametrize("referer", [
    "https://evil.example/phish",
    "http://testserver//evil.example/phish",
    "http://testserver/\\evil.example/phish",
])
def test_a_stale_form_never_links_back_to_another_site(referer):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/accounts/login/", {}, HTTP_REFERER=referer)

    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


def test_a_request_the_server_cannot_read_gets_a_translated_page():
    browser = Client(raise_request_exception=False)

    response = browser.get("/en/portal/", HTTP_HOST="bad host name")

    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


@pytest.mark.parametrize("prefix,heading", [("", "Không thể mở trực tiếp địa chỉ này"),
                                            ("/en", "This address cannot be opened directly")])
def test_opening_a_form_action_by_its_address_shows_a_translated_page(customer_a, prefix, heading):
    """A form's action taking POST only, opened as a page (a bookmark, a page reloaded after a refused
    form): Django's own 405 is empty, so the person would see a blank page."""
    browser = Client()
    browser.force_login(customer_a)

    response = browser.get(f"{prefix}/me/consents/marketing/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert heading in _title(response.content.decode())


def test_a_method_the_api_does_not_take_still_answers_json(client_user):
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Token {make_token(client_user, ['consents:read'])}")

    response = caller.put("/api/v1/consents/", {}, format="json")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
