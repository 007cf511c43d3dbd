"""The DPO's API tokens page: who may open it, what it lists, and the two-step revoke."""
from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEntry
from core.actors import Actor
from core.roles import Role
from integrations.models import ApiToken
from integrations.services import token_issue, token_revoke
from tests.factories import UserFactory
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _issue(user, **kwargs) -> tuple[ApiToken, str]:
    return token_issue(actor=Actor.system("tests"), user=user, **kwargs)


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo)
    return client


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "auditor", "client_user", "customer_a"])
def test_only_the_dpo_may_open_the_page_or_revoke(client, role, request, officer):
    token, _key = _issue(officer)
    client.force_login(request.getfixturevalue(role))
    # An integration account's session counts for nothing: it is sent to sign in (where it cannot).
    refused = 302 if role == "client_user" else 403
    assert client.get(reverse("integrations:tokens")).status_code == refused
    assert client.get(reverse("integrations:token_revoke", args=[token.pk])).status_code == refused
    assert client.post(reverse("integrations:token_revoke", args=[token.pk])).status_code == refused
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("integrations:tokens"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_shows_the_page_to_the_dpo_only(client, dpo, officer):
    client.force_login(officer)
    assert reverse("integrations:tokens") not in client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(dpo)
    assert reverse("integrations:tokens") in client.get(reverse("portal:dashboard")).content.decode()


def test_the_list_shows_each_token_without_its_key(dpo_client, client_user, officer):
    live, live_key = _issue(client_user, name="core banking prod", scopes=["consents:read"])
    old, old_key = _issue(officer)
    token_revoke(actor=Actor.system("tests"), token=old)

    response = dpo_client.get("/en/portal/tokens/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (live.prefix, "corebank_t", "Integration client", "core banking prod", "consents:read",
                 old.prefix, "officer_t", "Front-line officer", "all the role allows"):
        assert text in html
    for secret in (live_key, old_key, live.key_hash, old.key_hash):
        assert secret not in html
    # Only the live token offers a revoke.
    assert reverse("integrations:token_revoke", args=[live.pk]) in html
    assert reverse("integrations:token_revoke", args=[old.pk]) not in html


def test_the_page_speaks_vietnamese(dpo_client, officer):
    _issue(officer)
    html = dpo_client.get("/portal/tokens/").content.decode()
    assert "Token API" in html and "Tiền tố" in html and "Thu hồi…" in html
    revoke_url = reverse("integrations:token_revoke", args=[ApiToken.objects.get().pk])
    confirm = dpo_client.get(revoke_url).content.decode()
    assert "Đồng ý, thu hồi token này" in confirm


def test_revoke_asks_first_then_revokes_audits_and_the_api_refuses_the_token(
    dpo_client, officer, django_capture_on_commit_callbacks
):
    token, key = _issue(officer, name="script")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/subjects/").status_code == 200
    url = f"/en/portal/tokens/{token.pk}/revoke/"

    confirm = dpo_client.get(url)
    assert confirm.status_code == 200
    assert 'data-testid="confirm-revoke"' in confirm.content.decode()
    assert "csrfmiddlewaretoken" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking is not doing

    with django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == "/en/portal/tokens/"
    assert f"Token {token.prefix}… of officer_t revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action="core.token.revoked")
    assert entry.actor_kind == "staff" and entry.actor_label == "dpo_t"
    assert entry.data["prefix"] == token.prefix
    assert api.get("/api/v1/subjects/").status_code == 401


def test_revoking_twice_says_so_and_writes_one_entry(dpo_client, officer):
    token, _key = _issue(officer)
    url = f"/en/portal/tokens/{token.pk}/revoke/"
    dpo_client.post(url)
    response = dpo_client.post(url, follow=True)
    assert "already revoked" in response.content.decode()
    assert AuditEntry.objects.filter(action="core.token.revoked").count() == 1
    assert 'data-testid="confirm-revoke"' not in dpo_client.get(url).content.decode()


def test_revoke_needs_the_csrf_token(dpo, officer):
    from django.test import Client

    token, _key = _issue(officer)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(dpo)
    assert strict.post(reverse("integrations:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_unknown_token_is_404(dpo_client):
    assert dpo_client.get(reverse("integrations:token_revoke", args=[999999])).status_code == 404
    assert dpo_client.post(reverse("integrations:token_revoke", args=[999999])).status_code == 404


def test_the_users_roles_are_read_once_for_the_list(dpo_client):
    """One role query for the page, not one per user holding a token."""
    def issue(count):
        for _ in range(count):
            _issue(UserFactory(role=Role.CLIENT))

    issue(2)
    with_2 = queries_of(lambda: dpo_client.get(reverse("integrations:tokens")))
    issue(18)
    with_20 = queries_of(lambda: dpo_client.get(reverse("integrations:tokens")))

    assert with_20 == with_2
    assert dpo_client.get("/en/portal/tokens/").content.decode().count("<td>Integration client</td>") == 20
