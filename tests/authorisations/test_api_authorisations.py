"""The API: registry (DPO only), authorisations (customers see their own), revoke, accesses, introspection."""

from __future__ import annotations

from django.utils import timezone

from core.roles import Role
from tests.factories import UserFactory


def test_only_the_dpo_registers_third_parties(as_user, api, officer, dpo):
    body = {
        "legal_name": "Ví Số",
        "tax_code": "0312999999",
        "licence_ref": "GP-9",
        "contact_email": "a@b.vn",
        "purpose": "p",
        "redirect_uris": ["https://vi.example.vn/cb"],
        "scopes": ["balances:read"],
    }
    api.force_login(officer)
    assert api.post("/api/v1/third-parties/", body, format="json").status_code == 403
    api.force_login(dpo)
    created = api.post("/api/v1/third-parties/", {**body, "confidential": False}, format="json")
    assert created.status_code == 201
    assert created.json()["client_secret"] == ""
    assert "no-store" in created["Cache-Control"]
    assert api.post("/api/v1/third-parties/", body, format="json").status_code == 409
    bad = api.post(
        "/api/v1/third-parties/", {**body, "tax_code": "1", "scopes": ["payments:write"]}, format="json"
    )
    assert bad.status_code == 400 and "scopes" in bad.json()
    listed = api.get("/api/v1/third-parties/").json()["results"]
    assert [t["client_id"] for t in listed] == [created.json()["client_id"]]


def test_suspension_through_the_api(api, dpo, authorised, registration, gateway):
    _authorisation, tokens = authorised
    api.force_login(dpo)
    url = f"/api/v1/third-parties/{registration.third_party.pk}/status/"
    assert (
        api.post(url, {"status": "suspended", "reason": "audit"}, format="json").json()["status"]
        == "suspended"
    )
    assert gateway.post("/oauth/introspect/", {"token": tokens["access_token"]}).json() == {"active": False}
    assert api.post(url, {"status": "suspended"}, format="json").status_code == 409


def test_customers_see_only_their_own_and_revoke_by_api(api, authorised, customer1, customer2, gateway):
    authorisation, tokens = authorised
    api.force_login(customer2)
    assert api.get("/api/v1/authorisations/").json()["results"] == []
    assert (
        api.post(
            f"/api/v1/authorisations/{authorisation.pk}/revoke/", {"channel": "mobile_app"}, format="json"
        ).status_code
        == 404
    )
    assert api.get(f"/api/v1/authorisations/{authorisation.pk}/accesses/").status_code == 404
    api.force_login(customer1)
    [listed] = api.get("/api/v1/authorisations/").json()["results"]
    assert (listed["id"], listed["allowed_actions"]) == (str(authorisation.pk), ["pause", "revoke"])
    revoked = api.post(
        f"/api/v1/authorisations/{authorisation.pk}/revoke/", {"channel": "mobile_app"}, format="json"
    )
    assert revoked.json()["status"] == "revoked"
    assert (
        api.post(
            f"/api/v1/authorisations/{authorisation.pk}/revoke/", {"channel": "mobile_app"}, format="json"
        ).status_code
        == 409
    )
    assert gateway.post("/oauth/introspect/", {"token": tokens["access_token"]}).json() == {"active": False}


def test_gateway_reports_accesses_within_the_authorised_scopes(authorised, gateway, api, customer1):
    authorisation, _tokens = authorised
    url = f"/api/v1/authorisations/{authorisation.pk}/accesses/"
    now = timezone.now().isoformat()
    assert (
        gateway.post(
            url, {"scope": "profile:read", "accessed_at": now, "record_count": 1}, format="json"
        ).status_code
        == 400
    )
    assert (
        gateway.post(
            url, {"scope": "accounts:read", "accessed_at": now, "record_count": 3}, format="json"
        ).status_code
        == 201
    )
    api.force_login(customer1)
    assert [a["record_count"] for a in api.get(url).json()["results"]] == [3]
    assert (
        api.post(
            url, {"scope": "accounts:read", "accessed_at": now, "record_count": 3}, format="json"
        ).status_code
        == 403
    )


def test_introspection_needs_the_gateway_token(api, as_user, authorised, customer1):
    _authorisation, tokens = authorised
    assert api.post("/oauth/introspect/", {"token": tokens["access_token"]}).status_code == 401
    api.force_login(customer1)
    assert api.post("/oauth/introspect/", {"token": tokens["access_token"]}).status_code == 401
    corebank = as_user(UserFactory(username="corebank_x", role=Role.CLIENT), scopes=["consents:read"])
    assert corebank.post("/oauth/introspect/", {"token": tokens["access_token"]}).status_code == 403
    gateway = as_user(UserFactory(username="gw", role=Role.CLIENT), scopes=["authorisations:gateway"])
    answer = gateway.post("/oauth/introspect/", {"token": tokens["access_token"]})
    assert answer.json()["active"] is True and "no-store" in answer["Cache-Control"]
    assert gateway.post("/oauth/introspect/", {"token": "not-a-token"}).json() == {"active": False}
    assert gateway.post("/oauth/introspect/", {}).status_code == 400


def test_filters_refuse_malformed_values(api, officer):
    api.force_login(officer)
    assert api.get("/api/v1/authorisations/?third_party=not-a-uuid").status_code == 400
    assert api.get("/api/v1/authorisations/?status=lost").status_code == 400


def test_staff_are_offered_revoke_only_where_the_revoke_endpoint_would_accept_it(
    api, as_user, authorised, officer
):
    """`allowed_actions` offers what the revoke endpoint accepts: its permission and its token scope.
    An auditor reads authorisations but may not revoke; nor may a token that only reads."""
    authorisation, _tokens = authorised
    url = f"/api/v1/authorisations/{authorisation.pk}/"
    api.force_login(officer)
    assert api.get(url).json()["allowed_actions"] == ["revoke"]
    reader = as_user(officer, scopes=["authorisations:read"])
    assert reader.get(url).json()["allowed_actions"] == []
    assert reader.post(url + "revoke/", {"channel": "branch"}, format="json").status_code == 403
    auditor = UserFactory(role=Role.AUDITOR)
    api.force_login(auditor)
    assert api.get(url).json()["allowed_actions"] == []
    assert api.post(url + "revoke/", {"channel": "branch"}, format="json").status_code == 403


def test_a_customers_read_only_token_neither_revokes_nor_is_offered_to(api, as_user, authorised, customer1):
    """The customer's own token is held to its scopes too: reading authorisations is not revoking them."""
    authorisation, _tokens = authorised
    url = f"/api/v1/authorisations/{authorisation.pk}/"
    reader = as_user(customer1, scopes=["authorisations:read"])
    assert reader.get(url).json()["allowed_actions"] == []
    refused = reader.post(url + "revoke/", {"channel": "mobile_app"}, format="json")
    assert refused.status_code == 403 and "authorisations:write" in refused.json()["detail"]
    authorisation.refresh_from_db()
    assert authorisation.status == "active"
    writer = as_user(customer1, scopes=["authorisations:read", "authorisations:write"])
    assert writer.get(url).json()["allowed_actions"] == ["pause", "revoke"]
    revoked = writer.post(url + "revoke/", {"channel": "mobile_app"}, format="json")
    assert revoked.json()["status"] == "revoked"
