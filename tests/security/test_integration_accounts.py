"""Integration accounts (core banking and other systems) reach the API with a scoped token only:
never with a password, neither at the sign-in page nor through a browser session on the API."""
from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_the_sign_in_page_refuses_an_integration_account_with_the_right_password(client, client_user):
    credentials = {"username": client_user.username, "password": PASSWORD}
    response = client.post(reverse("accounts:login"), credentials)

    assert response.status_code == 200  # the form again, with the usual error
    assert SESSION_KEY not in client.session


def test_the_admin_sign_in_refuses_it_too(client, client_user):
    client.post("/admin/login/", {"username": client_user.username, "password": PASSWORD})

    assert SESSION_KEY not in client.session


def test_a_session_of_an_integration_account_does_not_reach_the_api(client, client_user):
    # A session made before this rule existed, or by any other path, still counts for nothing.
    client.force_login(client_user)

    response = client.get("/api/v1/consents/")

    assert response.status_code in (401, 403)
    assert client.get(reverse("portal:home")).status_code == 302


def test_its_token_still_works(as_user, client_user):
    assert as_user(client_user, scopes=["consents:read"]).get("/api/v1/consents/").status_code == 200


def test_staff_still_sign_in_with_a_password(client, officer):
    response = client.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(officer.pk)
