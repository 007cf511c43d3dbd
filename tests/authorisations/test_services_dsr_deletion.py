"""A deletion request stops third-party access once the requester's identity is verified, as an objection,
a restriction or a withdrawal does, not when the deletion completes (which waits for every system and a
second person's approval): the customer's live authorisations are revoked in the verification's
transaction, and no new one can be given while the verified deletion is open (409
`deletion_in_progress`, nothing written, on the consent screen before any code too)."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from authorisations import services
from authorisations.models import Authorisation
from core.actors import Actor, actor_for_user
from core.errors import Conflict
from dsr import services as dsr_services
from integrations.models import OutboxMessage
from tests.authorisations.factories import authorise, grant_refused, in_english_and_vietnamese, register
from tests.dsr.factories import STAFF, make_inventory, make_request, verified_request, verify

pytestmark = pytest.mark.django_db
GATEWAY = Actor(kind="client", user_id=None, label="gateway")


@pytest.fixture
def registration(db):
    """The third party of the `authorised` fixture, with a webhook so it can be told of changes."""
    return register(webhook_url="https://ketoan.example.vn/hooks/qdl")


def _told(authorisation) -> list[str]:
    rows = OutboxMessage.objects.filter(topic="authorisations.authorisation.changed").order_by("created_at")
    payloads = [json.loads(row.payload) for row in rows]
    return [p["status"] for p in payloads if p["authorisation"] == str(authorisation.pk)]


def test_a_verified_deletion_stops_third_party_access_at_once(authorised, customer1, gateway):
    make_inventory()
    authorisation, tokens = authorised
    subject = customer1.customer_account.subject
    paused = authorise(customer1, scopes=["accounts:read"])
    services.authorisation_pause(actor=actor_for_user(customer1), authorisation_id=paused.pk, subject=subject)

    request = verified_request(subject, type="delete", now=timezone.now())

    assert request.status == "in_progress"
    for live in (authorisation, paused):
        live.refresh_from_db()
        assert live.status == "revoked"
        assert live.events.latest("at").reason == f"dsr.request:{request.pk}"
    assert _told(authorisation)[-1] == "revoked"
    assert gateway.post("/oauth/introspect/", {"token": tokens["access_token"]}).json() == {"active": False}
    with pytest.raises(Conflict) as refused:
        services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read")
    assert refused.value.code == "authorisation_ended"


def test_no_new_authorisation_while_a_verified_deletion_is_open(customer1):
    make_inventory()
    subject = customer1.customer_account.subject
    registration = register(legal_name="Công ty Kế toán Số")
    request = verified_request(subject, type="delete", now=timezone.now())

    refused = grant_refused(customer1, registration)

    assert (refused.code, refused.status) == ("deletion_in_progress", 409)
    english, vietnamese = in_english_and_vietnamese(refused)
    assert "Công ty Kế toán Số" in english and "deletion" in english
    assert "Công ty Kế toán Số" in vietnamese and vietnamese != english
    # Cancelled, the deletion no longer stands in the way.
    dsr_services.request_transition(actor=STAFF, request_id=request.pk, to="cancelled")
    assert authorise(customer1, registration=registration).status == "active"


def test_a_deletion_not_yet_verified_stops_nothing(customer1):
    make_inventory()
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1)
    request = make_request(subject, type="delete", actor=STAFF, now=timezone.now())

    assert authorise(customer1).status == "active"
    authorisation.refresh_from_db()
    assert authorisation.status == "active"
    verify(request, now=timezone.now())
    assert not Authorisation.objects.filter(subject=subject, status__in=["active", "paused"]).exists()
