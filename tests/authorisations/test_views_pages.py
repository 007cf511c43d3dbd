"""Staff pages: the DPO's registry (register, suspend) and an officer revoking for a customer; a move
after the term ended says the authorisation expired."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from authorisations.models import Authorisation, ThirdParty
from tests.authorisations.factories import authorise, register


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



def _term_ended(customer1) -> Authorisation:
    """Given for a day two days ago: the term ended yesterday and the hourly sweep has not run yet."""
    return authorise(customer1, registration=register(), days=1, now=timezone.now() - timedelta(days=2))


def test_an_officers_revocation_after_the_term_says_it_was_recorded_as_expired(client, officer, customer1):
    authorisation = _term_ended(customer1)
    client.force_login(officer)
    response = client.post(
        f"/portal/authorisations/{authorisation.pk}/revoke/",
        {"channel": "branch", "evidence": "Phiếu TPA-02", "reason": "khách yêu cầu"},
        follow=True,
    )
    assert Authorisation.objects.get(pk=authorisation.pk).status == "expired"
    shown = [str(m) for m in response.context["messages"]]
    assert any("được ghi nhận là đã hết hạn" in m for m in shown), shown
    assert not any("Đã thu hồi" in m for m in shown)


def test_the_customers_pause_after_the_term_says_it_expired(client, customer1):
    authorisation = _term_ended(customer1)
    client.force_login(customer1)
    response = client.post(f"/me/authorisations/{authorisation.pk}/pause/", follow=True)
    assert Authorisation.objects.get(pk=authorisation.pk).status == "expired"
    shown = [str(m) for m in response.context["messages"]]
    assert any("ủy quyền đã hết hạn" in m for m in shown), shown
