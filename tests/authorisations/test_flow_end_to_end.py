"""The whole flow as a third party lives it: registered by the DPO, authorised by customer1 with PKCE
through the real pages, code exchanged, token introspected by the gateway, an access reported, then
revoked by the customer on /me/ — and the very next introspection says inactive."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils import timezone, translation

from authorisations.models import Authorisation, AuthorisationEvent
from authorisations.scopes import DATA_SCOPES
from tests.authorisations.factories import REDIRECT_URI, approve, exchange, pkce_pair, refresh


def test_register_authorise_introspect_report_revoke(api, dpo, customer1, browser1, gateway, customer2):
    api.force_login(dpo)
    created = api.post(
        "/api/v1/third-parties/",
        {
            "legal_name": "Công ty Kế toán Số",
            "tax_code": "0312000001",
            "licence_ref": "GP-1/NHNN",
            "contact_email": "dev@ketoan.example.vn",
            "purpose": "Đối soát giao dịch",
            "redirect_uris": [REDIRECT_URI],
            "scopes": ["accounts:read", "transactions:read"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    client_id, client_secret = created.json()["client_id"], created.json()["client_secret"]
    assert client_id and client_secret

    verifier, challenge = pkce_pair()
    page = browser1.get(
        "/oauth/authorize/?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": REDIRECT_URI,
                "scope": "accounts:read transactions:read",
                "state": "s1",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
    )
    assert page.status_code == 200
    assert "Công ty Kế toán Số" in page.content.decode()
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert f"form-action 'self' {REDIRECT_URI}" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    code = approve(browser1, client_id, challenge)

    tokens = exchange(api, client_id, client_secret, code, verifier)
    assert tokens.status_code == 200, tokens.content
    access_token, refresh_token = tokens.json()["access_token"], tokens.json()["refresh_token"]

    answer = gateway.post("/oauth/introspect/", {"token": access_token})
    assert answer.status_code == 200
    body = answer.json()
    assert body["active"] is True
    assert set(body["scope"].split()) == {"accounts:read", "transactions:read"}
    assert body["sub"] == customer1.customer_account.subject.external_ref
    authorisation_id = body["authorisation_id"]

    reported = gateway.post(
        f"/api/v1/authorisations/{authorisation_id}/accesses/",
        {
            "scope": "transactions:read",
            "accessed_at": timezone.now().isoformat(),
            "record_count": 42,
        },
        format="json",
    )
    assert reported.status_code == 201, reported.json()

    mine = browser1.get("/me/authorisations/")
    assert "Công ty Kế toán Số" in mine.content.decode()
    # The read is named in words (authorisations/scopes.py), never by its scope code.
    assert "transactions:read" not in mine.content.decode() and ">42<" in mine.content.decode()
    with translation.override("vi"):
        assert str(DATA_SCOPES["transactions:read"]) in mine.content.decode()
    # customer2 sees nothing of customer1's, on the page or in the API.
    api.force_login(customer2)
    assert api.get("/api/v1/authorisations/").json()["results"] == []
    assert api.get(f"/api/v1/authorisations/{authorisation_id}/").status_code == 404

    confirm = browser1.get(f"/me/authorisations/{authorisation_id}/revoke/")
    assert confirm.status_code == 200
    assert browser1.post(f"/me/authorisations/{authorisation_id}/revoke/").status_code == 302

    assert gateway.post("/oauth/introspect/", {"token": access_token}).json() == {"active": False}
    assert refresh(api, client_id, client_secret, refresh_token).status_code == 400
    authorisation = Authorisation.objects.get(pk=authorisation_id)
    assert authorisation.status == "revoked"
    assert list(authorisation.events.values_list("kind", flat=True)) == [
        AuthorisationEvent.Kind.GRANTED,
        AuthorisationEvent.Kind.REVOKED,
    ]
