"""A withdrawal request in force that covers third-party disclosure (it names no purpose, or a purpose
of sharing with third parties) ends the customer's authorisations for good: revoked as the customer's
own "stop access" revokes them (tokens ended, the third party told "revoked", an event with its receipt,
the audit entry, the customer's receipt), in the transaction that puts the withdrawal in force. A
withdrawal is not lifted later, so nothing may wait paused for it (domain notes, "Consent rules":
withdrawal at any time, recipients stop; third-party authorisation is a revocable consent)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from audit.models import AuditEntry
from authorisations import selectors, services
from authorisations.models import Authorisation
from core.actors import actor_for_user
from core.errors import Conflict, InvalidTransition
from dsr import services as dsr_services
from dsr.models import DataSubjectRequest
from integrations.models import OutboxMessage
from tests.authorisations.factories import authorise, credentials, refresh, register
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, make_request, verified_request

WEBHOOK_TOPIC = "authorisations.authorisation.changed"


@pytest.fixture
def registration(db):
    """The third party of the `authorised` fixture, with a webhook so it can be told of changes."""
    return register(webhook_url="https://ketoan.example.vn/hooks/qdl")


def introspect(gateway, token) -> bool:
    return gateway.post("/oauth/introspect/", {"token": token}).json()["active"]


def webhooks(authorisation) -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(topic=WEBHOOK_TOPIC).order_by("created_at")
    payloads = [json.loads(row.payload) for row in rows]
    return [(p["event"], p["status"]) for p in payloads if p["authorisation"] == str(authorisation.pk)]


def test_a_verified_withdrawal_of_every_consent_revokes_third_party_access(
    authorised, registration, customer1, gateway, api
):
    authorisation, tokens = authorised
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("newsletter", category="marketing"))

    request = verified_request(subject, type="withdraw", now=timezone.now())

    authorisation.refresh_from_db()
    assert (authorisation.status, authorisation.pause_reason) == ("revoked", "")
    assert authorisation.pause_source == ""
    assert authorisation.ended_at is not None
    # The tokens end with it: the gateway refuses them, the refresh token is spent.
    assert introspect(gateway, tokens["access_token"]) is False
    client_id, secret = credentials(registration)
    assert refresh(api, client_id, secret, tokens["refresh_token"]).status_code == 400
    assert not get_access_token_model().objects.filter(user=customer1).exists()
    assert not get_refresh_token_model().objects.filter(user=customer1, revoked__isnull=True).exists()
    # The history row with its receipt, and the audit entry; never a pause.
    event = authorisation.events.get(kind="revoked")
    assert (event.old_status, event.new_status, event.reason, event.channel) == (
        "active", "revoked", f"dsr.request:{request.pk}", "branch"
    )
    assert json.loads(event.receipt)["state"] == "revoked"
    assert not authorisation.events.filter(kind="paused").exists()
    assert AuditEntry.objects.filter(action="authorisations.authorisation.revoked").count() == 1
    assert not AuditEntry.objects.filter(action="authorisations.authorisation.paused").exists()
    # The third party hears "revoked", not "paused"; the customer gets the receipt of the revocation.
    assert webhooks(authorisation) == [("granted", "active"), ("revoked", "revoked")]
    assert OutboxMessage.objects.filter(topic="authorisations.customer.revoked").count() == 1
    # Nothing is left to resume, and nothing tells the customer it will.
    assert selectors.authorisation_allowed_actions(authorisation, actor_for_user(customer1)) == frozenset()
    with pytest.raises(InvalidTransition):
        services.authorisation_resume(
            actor=actor_for_user(customer1), authorisation_id=authorisation.pk, subject=subject
        )


def test_the_revocation_is_in_the_withdrawals_transaction(authorised, customer1, gateway, monkeypatch):
    """If putting the withdrawal in force fails after the revocation, the revocation is undone too."""
    authorisation, tokens = authorised
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("partner-sharing", category="sharing"))
    request = make_request(subject, type="withdraw", purposes=["partner-sharing"], now=timezone.now())

    def fails(*args, **kwargs):
        raise Conflict("boom", code="boom")

    monkeypatch.setattr("dsr.services.identity.move", fails)
    with pytest.raises(Conflict):
        dsr_services.request_verify_identity(
            actor=STAFF, request_id=request.pk, method="branch_documents",
            document_number=subject.national_id, now=timezone.now(),
        )
    authorisation.refresh_from_db()
    assert authorisation.status == "active"
    assert not authorisation.events.filter(kind="revoked").exists()
    assert webhooks(authorisation) == [("granted", "active")]
    assert introspect(gateway, tokens["access_token"]) is True
    assert DataSubjectRequest.objects.get(pk=request.pk).withdrawal_applied_at is None


def statuses(*authorisations) -> set[str]:
    return set(
        Authorisation.objects.filter(pk__in=[a.pk for a in authorisations]).values_list("status", flat=True)
    )


def test_a_withdrawal_of_sharing_revokes_paused_authorisations_and_a_lifted_objection_brings_none_back(
    customer1,
):
    subject = customer1.customer_account.subject
    actor = actor_for_user(customer1)
    grant(subject, make_purpose("partner-sharing", category="sharing"))
    by_customer = authorise(customer1, scopes=["transactions:read"])
    services.authorisation_pause(actor=actor, authorisation_id=by_customer.pk, subject=subject)
    by_objection = authorise(customer1, scopes=["transactions:read"])
    objection = verified_request(subject, type="object")
    assert Authorisation.objects.get(pk=by_objection.pk).pause_reason == "dsr"

    verified_request(subject, type="withdraw", purposes=["partner-sharing"])

    assert statuses(by_customer, by_objection) == {"revoked"}
    dsr_services.request_complete(actor=STAFF, request_id=objection.pk)
    dsr_services.request_restriction_lift(actor=STAFF, request_id=objection.pk, reason="customer_asked")
    assert statuses(by_customer, by_objection) == {"revoked"}


def test_an_objection_still_pauses_and_the_customer_is_told_what_resumes_it(customer1):
    subject = customer1.customer_account.subject
    authorisation = authorise(customer1, scopes=["transactions:read"])
    objection = verified_request(subject, type="object")
    authorisation.refresh_from_db()
    assert (authorisation.status, authorisation.pause_source) == ("paused", f"dsr.request:{objection.pk}")
    with translation.override("en"):
        assert authorisation.get_pause_reason_display() == "An objection covers disclosure to third parties"
        with pytest.raises(Conflict) as refused:
            services.authorisation_resume(
                actor=actor_for_user(customer1), authorisation_id=authorisation.pk, subject=subject
            )
        assert refused.value.code == "paused_by_objection"
        assert "when the objection is lifted" in refused.value.text
    dsr_services.request_complete(actor=STAFF, request_id=objection.pk)
    dsr_services.request_restriction_lift(actor=STAFF, request_id=objection.pk, reason="customer_asked")
    authorisation.refresh_from_db()
    assert authorisation.status == "active"


# How an earlier release left a withdrawal in force: put in force at verification (the release before
# this one), or only at completion, before `withdrawal_applied_at` existed.
IN_FORCE_BEFORE = [
    {"withdrawal_applied_at": "now"},
    {"status": "completed", "closed_at": "now", "identity_verified_at": "now"},
]


@pytest.mark.parametrize("in_force", IN_FORCE_BEFORE)
def test_after_the_upgrade_one_command_revokes_what_earlier_withdrawals_left_paused(
    authorised, customer1, gateway, in_force
):
    """An earlier release paused authorisations for a withdrawal in force; nothing would ever resume
    them. `manage.py revoke_withdrawn_authorisations` revokes those, and leaves an objection's pause."""
    authorisation, tokens = authorised
    subject = customer1.customer_account.subject
    grant(subject, make_purpose("partner-sharing", category="sharing"))
    request = make_request(subject, type="withdraw", now=timezone.now())
    source = f"dsr.request:{request.pk}"
    # As the earlier release left it: the withdrawal in force, the authorisation paused for it.
    with transaction.atomic():
        services.authorisations_pause_for_subject_locked(
            actor=STAFF, subject=subject, purposes=None, source=source, now=timezone.now()
        )
        DataSubjectRequest.objects.filter(pk=request.pk).update(
            **{name: timezone.now() if value == "now" else value for name, value in in_force.items()}
        )
    assert Authorisation.objects.get(pk=authorisation.pk).pause_source == source
    # Another third party's authorisation, paused by an objection (which pauses what is active): the
    # command leaves that pause alone. (Made after the withdrawal's pause: while an objection is in
    # force nothing it covers resumes, not even by the customer's own resume.)
    objected = authorise(customer1, scopes=["transactions:read"])
    objection = verified_request(subject, type="object", now=timezone.now())

    output = io.StringIO()
    call_command("revoke_withdrawn_authorisations", stdout=output)

    assert output.getvalue() == "1 third-party authorisation(s) paused by a withdrawal revoked.\n"
    authorisation.refresh_from_db()
    assert (authorisation.status, authorisation.pause_reason) == ("revoked", "")
    assert authorisation.events.get(kind="revoked").reason == source
    assert introspect(gateway, tokens["access_token"]) is False
    assert not get_refresh_token_model().objects.filter(user=customer1, revoked__isnull=True).exists()
    assert webhooks(authorisation)[-1] == ("revoked", "revoked")
    objected.refresh_from_db()
    assert (objected.status, objected.pause_source) == ("paused", f"dsr.request:{objection.pk}")
    call_command("revoke_withdrawn_authorisations", stdout=output)
    assert output.getvalue().endswith("0 third-party authorisation(s) paused by a withdrawal revoked.\n")
