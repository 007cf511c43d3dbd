"""The DPO gives a third party's client a new secret on the portal (Third parties → "New client
secret…"): the page asks first, with "also revoke the tokens already issued"; the secret is shown once,
on a page of its own, never kept in a message or shown again."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from oauth2_provider.models import get_application_model

from audit.models import AuditEntry
from integrations.form_once import FIELD
from tests.authorisations.factories import register
from tests.factories import signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
LIST = "/en/portal/third-parties/"


def _page(registration) -> str:
    return f"{LIST}{registration.third_party.pk}/secret/"


def _shown_secret(response) -> str:
    return re.search(r'data-testid="client-secret">([^<]+)<', response.content.decode()).group(1)


def _stored_secret(registration) -> str:
    return get_application_model().objects.get(pk=registration.third_party.application_id).client_secret


def test_the_list_offers_a_new_secret_to_the_dpo_for_a_confidential_client_only(dpo, officer, registration):
    public = register(confidential=False)
    listed = signed_in(dpo).get(LIST).content.decode()
    assert _page(registration) in listed
    assert _page(public) not in listed
    assert _page(registration) not in signed_in(officer).get(LIST).content.decode()


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "auditor"])
def test_other_staff_are_refused(role, request, registration):
    client = signed_in(request.getfixturevalue(role))
    assert client.get(_page(registration)).status_code == 403
    assert client.post(_page(registration)).status_code == 403
    assert check_password(registration.client_secret, _stored_secret(registration))


def test_the_page_asks_first_then_shows_the_new_secret_once(dpo, registration, authorised, gateway):
    _authorisation, tokens = authorised
    client = signed_in(dpo)
    asked = client.get(_page(registration))
    assert asked.status_code == 200
    assert registration.third_party.legal_name in asked.content.decode()
    assert check_password(registration.client_secret, _stored_secret(registration))  # asking is not doing

    shown = client.post(_page(registration), hidden_fields(asked.content))

    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    secret = _shown_secret(shown)
    assert check_password(secret, _stored_secret(registration))
    assert secret not in client.get(LIST).content.decode()
    assert secret not in client.get(_page(registration)).content.decode()
    # Not ticked: the tokens issued before go on working.
    assert gateway.post("/oauth/introspect/", {"token": tokens["access_token"]}).json()["active"] is True
    assert AuditEntry.objects.get(action="authorisations.third_party.secret_rotated").actor_label == "dpo_t"


def test_ticked_the_issued_tokens_are_revoked_too(dpo, registration, authorised, gateway):
    _authorisation, tokens = authorised
    client = signed_in(dpo)
    form = {**hidden_fields(client.get(_page(registration)).content), "revoke_tokens": "on"}
    assert FIELD in form

    shown = client.post(_page(registration), form)

    assert check_password(_shown_secret(shown), _stored_secret(registration))
    assert gateway.post("/oauth/introspect/", {"token": tokens["access_token"]}).json() == {"active": False}


def test_a_public_client_is_told_it_has_no_secret_and_offered_no_form(dpo):
    public = register(confidential=False)
    before = _stored_secret(public)
    client = signed_in(dpo)

    for answer in (client.get(_page(public)), client.post(_page(public), {"revoke_tokens": "on"})):
        page = answer.content.decode()
        assert answer.status_code == 200
        assert "This third party&#x27;s client is public: it has no secret to replace." in page
        assert 'data-testid="issue-secret"' not in page and 'name="revoke_tokens"' not in page
        assert 'data-testid="client-secret"' not in page
    assert _stored_secret(public) == before
    assert not AuditEntry.objects.filter(action="authorisations.third_party.secret_rotated").exists()


def test_an_unknown_third_party_is_404(dpo):
    assert signed_in(dpo).get(f"{LIST}00000000-0000-0000-0000-000000000000/secret/").status_code == 404
