"""Helpers for the third-party access tests: a registered third party, PKCE pairs, the consent flow
driven through the real pages with Django's test client, and the token exchange."""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.utils import timezone, translation

from audit.models import AuditEntry
from authorisations import services
from authorisations.models import Authorisation
from core.actors import Actor, actor_for_user
from core.errors import Conflict, DomainError
from dsr import services as dsr_services
from tests.dsr.factories import STAFF, verified_request

DPO = Actor(kind="staff", user_id=None, label="dpo_t")
REDIRECT_URI = "https://ketoan.example.vn/oauth/callback"
PASSWORD = "correct-horse-battery"
_tax = itertools.count(100)


def register(**overrides) -> services.Registration:
    fields = {
        "legal_name": "Công ty Kế toán Số",
        "tax_code": f"0312{next(_tax):06d}",
        "licence_ref": "GP-123/NHNN",
        "contact_email": "dev@ketoan.example.vn",
        "purpose": "Đối soát giao dịch cho sổ sách kế toán của bạn",
        "redirect_uris": [REDIRECT_URI],
        "scopes": ["accounts:read", "transactions:read"],
    }
    fields.update(overrides)
    return services.third_party_register(actor=DPO, **fields)


def authorise(customer, *, registration=None, scopes=("accounts:read",), days: int = 90, now=None):
    """The customer's authorisation of a third party (a new one unless `registration` is given)."""
    registration = registration or register()
    return services.authorisation_grant(
        actor=actor_for_user(customer),
        user=customer,
        subject=customer.customer_account.subject,
        third_party=registration.third_party,
        scopes=list(scopes),
        duration_days=days,
        now=now,
    )


def grant_refused(customer, registration, **terms) -> Conflict:
    """The customer's grant refused (`terms` are `authorise`'s), nothing of it written; the consent screen
    refuses with the same code before it offers to approve. Returns the grant's refusal."""
    subject = customer.customer_account.subject
    granted = "authorisations.authorisation.granted"
    granted_before = AuditEntry.objects.filter(action=granted).count()
    live_before = set(Authorisation.objects.filter(subject=subject).values_list("pk", "status"))
    with pytest.raises(Conflict) as refused:
        authorise(customer, registration=registration, **terms)
    assert set(Authorisation.objects.filter(subject=subject).values_list("pk", "status")) == live_before
    assert AuditEntry.objects.filter(action=granted).count() == granted_before
    with pytest.raises(Conflict) as screen:
        services.authorisation_grantor_check(subject=subject, third_party=registration.third_party)
    assert screen.value.code == refused.value.code
    return refused.value


def in_english_and_vietnamese(error: DomainError) -> tuple[str, str]:
    with translation.override("en"):
        english = error.text
    with translation.override("vi"):
        return english, error.text


def objection_in_force(subject, **fields):
    """A verified objection to everything it can reach (or to `purposes`), answered (so it can be lifted)."""
    request = verified_request(subject, type="object", now=timezone.now(), **fields)
    dsr_services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(
    client_id: str,
    challenge: str,
    *,
    scope="accounts:read transactions:read",
    redirect_uri=REDIRECT_URI,
    state="xyz",
    **extra,
) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return "/oauth/authorize/?" + urlencode({k: v for k, v in params.items() if v != ""})


def sign_in(client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def approve(client, client_id: str, challenge: str, *, duration_days=None, **extra) -> str:
    """Open the consent screen, approve it as shown; returns the authorisation code."""
    page = client.get(authorize_url(client_id, challenge, **extra))
    assert page.status_code == 200, page.content[:500]
    data = hidden_fields(page)
    data.update(allow="on", duration_days=duration_days or data["requested_days"])
    if page.context.get("third_party") and page.context["third_party"].cross_border:
        data["cross_border"] = "on"
    response = client.post("/oauth/authorize/", data)
    assert response.status_code == 302, response.content[:800]
    query = parse_qs(urlparse(response["Location"]).query)
    assert response["Location"].startswith(REDIRECT_URI)
    return query["code"][0]


def credentials(registration) -> tuple[str, str]:
    return registration.third_party.application.client_id, registration.client_secret


def hidden_fields(page) -> dict:
    """The consent screen's hidden fields as the browser would send them back."""
    form = page.context["form"]
    return {name: form[name].value() or "" for name in form.fields if form.fields[name].widget.is_hidden}


def consent_screen_url(registration, **extra) -> str:
    """The authorisation request of `registration`'s client with a fresh PKCE challenge."""
    client_id, _secret = credentials(registration)
    _verifier, challenge = pkce_pair()
    return authorize_url(client_id, challenge, **extra)


def consent_screen(client, registration, **extra):
    """Open the consent screen for `registration`'s client; returns the page and its hidden fields."""
    page = client.get(consent_screen_url(registration, **extra))
    return page, hidden_fields(page)


def exchange(client, client_id: str, client_secret: str, code: str, verifier: str, redirect_uri=REDIRECT_URI):
    return client.post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )


def refresh(client, client_id: str, client_secret: str, refresh_token: str):
    return client.post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
