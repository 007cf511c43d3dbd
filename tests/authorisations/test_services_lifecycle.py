"""Pause, resume, suspension, revocation by staff, expiry and receipts, seen through introspection:
the gateway's answer changes at the next call."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from authorisations import services
from authorisations.models import Authorisation, AuthorisationEvent
from core.actors import Actor
from core.errors import InvalidInput, InvalidTransition, NotFound
from tests.authorisations.factories import (
    DPO,
    approve,
    credentials,
    exchange,
    pkce_pair,
    refresh,
    register,
    sign_in,
)

OFFICER = Actor(kind="staff", user_id=None, label="officer_t")


def introspect(gateway, token):
    return gateway.post("/oauth/introspect/", {"token": token}).json()["active"]


def customer_actor(user):
    return Actor(kind="customer", user_id=user.pk, label=f"customer#{user.pk}")


def test_pause_and_resume_by_the_customer(authorised, gateway, customer1, api, registration):
    authorisation, tokens = authorised
    subject = customer1.customer_account.subject
    services.authorisation_pause(
        actor=customer_actor(customer1), authorisation_id=authorisation.pk, subject=subject
    )
    assert introspect(gateway, tokens["access_token"]) is False
    client_id, secret = credentials(registration)
    assert refresh(api, client_id, secret, tokens["refresh_token"]).status_code == 400
    services.authorisation_resume(
        actor=customer_actor(customer1), authorisation_id=authorisation.pk, subject=subject
    )
    assert introspect(gateway, tokens["access_token"]) is True
    assert refresh(api, client_id, secret, tokens["refresh_token"]).status_code == 200


def test_suspending_a_third_party_pauses_every_authorisation_at_once(
    authorised, gateway, registration, customer2
):
    authorisation, tokens = authorised
    other = Client()
    sign_in(other, "customer2")
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    exchange(other, client_id, secret, approve(other, client_id, challenge), verifier)

    services.third_party_suspend(
        actor=DPO, third_party_id=registration.third_party.pk, reason="licence lapsed"
    )

    assert set(Authorisation.objects.values_list("status", "pause_reason")) == {
        ("paused", "third_party_suspended")
    }
    assert introspect(gateway, tokens["access_token"]) is False
    assert AuditEntry.objects.filter(action="authorisations.third_party.suspended").count() == 1
    assert AuditEntry.objects.filter(action="authorisations.authorisation.paused").count() == 2
    # The customer cannot lift the bank's pause; reactivating the third party does.
    with pytest.raises(Exception, match="paused_by_bank|paused by the bank"):
        services.authorisation_resume(
            actor=Actor(kind="customer", label="c"),
            authorisation_id=authorisation.pk,
            subject=authorisation.subject,
        )
    services.third_party_reactivate(actor=DPO, third_party_id=registration.third_party.pk)
    assert introspect(gateway, tokens["access_token"]) is True


def test_expiry_ends_access_and_the_sweep_records_it_once(authorised, gateway):
    authorisation, tokens = authorised
    later = authorisation.expires_at + timedelta(seconds=1)
    Authorisation.objects.filter(pk=authorisation.pk).update(
        starts_at=authorisation.starts_at - timedelta(days=400),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    # Granted 400 days ago, as its start says: the expiry, dated at the end of the term, comes after it.
    AuthorisationEvent.objects.filter(authorisation=authorisation).update(at=F("at") - timedelta(days=400))
    # Introspection refuses an authorisation past its end even before the sweep has run.
    assert introspect(gateway, tokens["access_token"]) is False
    assert services.authorisations_expire_due(now=later) == 1
    assert services.authorisations_expire_due(now=later) == 0
    authorisation.refresh_from_db()
    assert authorisation.status == "expired"
    assert list(authorisation.events.values_list("kind", flat=True)) == ["granted", "expired"]


def test_staff_revoke_for_the_customer_needs_evidence_off_line(authorised, gateway):
    authorisation, tokens = authorised
    with pytest.raises(InvalidInput):
        services.authorisation_revoke(actor=OFFICER, authorisation_id=authorisation.pk, channel="branch")
    services.authorisation_revoke(
        actor=OFFICER, authorisation_id=authorisation.pk, channel="branch", evidence="Form TPA-7 #88"
    )
    assert introspect(gateway, tokens["access_token"]) is False
    event = authorisation.events.get(kind="revoked")
    assert (event.channel, event.evidence, event.actor_label) == ("branch", "Form TPA-7 #88", "officer_t")
    with pytest.raises(InvalidTransition):
        services.authorisation_revoke(
            actor=OFFICER, authorisation_id=authorisation.pk, channel="branch", evidence="again"
        )


def test_a_customer_cannot_touch_another_customers_authorisation(authorised, customer2):
    authorisation, _tokens = authorised
    with pytest.raises(NotFound):
        services.authorisation_revoke(
            actor=customer_actor(customer2),
            authorisation_id=authorisation.pk,
            subject=customer2.customer_account.subject,
            channel="internet_banking",
        )
    other = Client()
    sign_in(other, "customer2")
    assert other.get(f"/me/authorisations/{authorisation.pk}/revoke/").status_code == 404
    assert other.post(f"/me/authorisations/{authorisation.pk}/revoke/").status_code == 404
    assert other.get(f"/me/authorisations/{authorisation.pk}/receipt/").status_code == 404
    assert str(authorisation.pk) not in other.get("/me/authorisations/").content.decode()
    authorisation.refresh_from_db()
    assert authorisation.status == "active"


def test_the_receipt_is_frozen_at_the_event(authorised, api, customer1):
    authorisation, _tokens = authorised
    api.force_login(customer1)
    before = api.get(f"/api/v1/authorisations/{authorisation.pk}/receipt/").content
    third_party = authorisation.third_party
    third_party.legal_name = "Renamed Ltd"
    third_party.save()
    assert api.get(f"/api/v1/authorisations/{authorisation.pk}/receipt/").content == before
    receipt = json.loads(before)
    assert receipt["data_consumer"]["name"] == "Công ty Kế toán Số"
    assert receipt["access"] == "read_only" and receipt["event"]["type"] == "granted"


def test_a_new_authorisation_replaces_the_live_one(authorised, browser1, registration, gateway):
    first, tokens = authorised
    _verifier, challenge = pkce_pair()
    approve(browser1, credentials(registration)[0], challenge)
    first.refresh_from_db()
    assert first.status == "revoked"
    assert introspect(gateway, tokens["access_token"]) is False
    assert Authorisation.objects.filter(status="active").count() == 1


def test_a_token_whose_scopes_exceed_the_authorisation_is_inactive(authorised, gateway):
    authorisation, tokens = authorised
    Authorisation.objects.filter(pk=authorisation.pk).update(scopes=["accounts:read"])
    assert introspect(gateway, tokens["access_token"]) is False


def test_registration_refuses_wildcards_unknown_scopes_and_long_terms(db):
    with pytest.raises(InvalidInput):
        register(redirect_uris=["https://*.example.vn/cb"])
    with pytest.raises(InvalidInput):
        register(redirect_uris=["http://plain.example.vn/cb"])
    with pytest.raises(InvalidInput):
        register(scopes=["payments:write"])
    with pytest.raises(InvalidInput):
        register(max_duration_days=400)
