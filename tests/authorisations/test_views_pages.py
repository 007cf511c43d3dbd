"""Staff pages: the DPO's registry (register, suspend) and an officer revoking for a customer."""

from __future__ import annotations

from authorisations.models import Authorisation, ThirdParty


def test_the_dpo_registers_a_third_party_on_the_portal(client, dpo, officer):
    client.force_login(officer)
    assert client.get("/portal/third-parties/new/").status_code == 403
    client.force_login(dpo)
    response = client.post(
        "/portal/third-parties/new/",
        {
            "legal_name": "Sổ Sách Online",
            "tax_code": "0109998887",
            "licence_ref": "GP-5",
            "contact_email": "it@sosach.example.vn",
            "country": "VN",
            "purpose": "Kế toán",
            "redirect_uris": "https://sosach.example.vn/cb\n",
            "scopes": ["balances:read"],
            "fetch_type": "periodic",
            "frequency_per_day": 2,
            "max_duration_days": 180,
            "confidential": "on",
        },
    )
    assert response.status_code == 200
    third_party = ThirdParty.objects.get()
    assert third_party.application.client_id in response.content.decode()
    assert third_party.redirect_uris == ["https://sosach.example.vn/cb"]
    assert "Sổ Sách Online" in client.get("/portal/third-parties/").content.decode()


def test_suspending_on_the_portal_pauses_authorisations(client, dpo, authorised):
    authorisation, _tokens = authorised
    client.force_login(dpo)
    client.post(f"/portal/third-parties/{authorisation.third_party_id}/status/", {"suspend": "1"})
    authorisation.refresh_from_db()
    assert authorisation.status == "paused"


def test_an_officer_revokes_for_the_customer_with_evidence(client, officer, authorised):
    authorisation, _tokens = authorised
    client.force_login(officer)
    page = client.get(f"/portal/customers/{authorisation.subject_id}/")
    assert 'data-testid="authorisations-panel"' in page.content.decode()
    url = f"/portal/authorisations/{authorisation.pk}/revoke/"
    assert client.post(url, {"channel": "branch", "evidence": ""}).status_code == 200
    assert Authorisation.objects.get(pk=authorisation.pk).status == "active"
    response = client.post(url, {"channel": "branch", "evidence": "Phiếu TPA-01", "reason": "khách yêu cầu"})
    assert response.status_code == 302
    event = Authorisation.objects.get(pk=authorisation.pk).events.get(kind="revoked")
    assert (event.channel, event.evidence) == ("branch", "Phiếu TPA-01")
