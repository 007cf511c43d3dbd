"""The gateway claims each read BEFORE serving it (`POST /api/v1/authorisations/{id}/reads/`): one
transaction locks the authorisation, checks that it allows a read now (active, within its term, its
third party active, the one-time read not made, today's reads under the daily limit), records the read
and ends a one-time authorisation (used). A read not allowed answers 409 with a code, and records
nothing. Introspection alone counted only reads already reported, so two calls could both be served
the last allowed read; the races themselves are `test_read_claim_concurrency` (PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from audit.models import AuditEntry
from authorisations import selectors, services
from authorisations.models import AccessRecord
from core.actors import actor_for_user
from tests.authorisations.factories import DPO, authorise, register
from tests.factories import make_customer

ACCOUNTS = {"scope": "accounts:read", "record_count": 3}


def claim(gateway, authorisation, body=ACCOUNTS, **headers):
    return gateway.post(f"/api/v1/authorisations/{authorisation.pk}/reads/", body, format="json", **headers)


def report(gateway, authorisation):
    body = {"scope": "accounts:read", "accessed_at": timezone.now().isoformat(), "record_count": 1}
    response = gateway.post(f"/api/v1/authorisations/{authorisation.pk}/accesses/", body, format="json")
    assert response.status_code == 201, response.content


def test_a_one_time_authorisation_allows_one_claimed_read_then_refuses_with_409(gateway):
    authorisation = authorise(make_customer(), registration=register(fetch_type="one_time"))

    first = claim(gateway, authorisation)

    assert first.status_code == 201, first.content
    assert (first.json()["scope"], first.json()["record_count"]) == ("accounts:read", 3)
    authorisation.refresh_from_db()
    assert authorisation.status == "used"
    assert list(authorisation.events.values_list("kind", flat=True)) == ["granted", "used"]
    assert AuditEntry.objects.filter(action="authorisations.access.claimed").count() == 1
    second = claim(gateway, authorisation, HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 409, second.content
    assert second.json()["code"] == "read_used"
    assert "one read" in second.json()["detail"]
    assert "một lần" in claim(gateway, authorisation, HTTP_ACCEPT_LANGUAGE="vi").json()["detail"]
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1


def test_the_daily_limit_counts_claimed_and_reported_reads_and_refuses_the_next(gateway):
    authorisation = authorise(make_customer(), registration=register(frequency_per_day=3))
    report(gateway, authorisation)  # a read reported after serving counts as well
    assert claim(gateway, authorisation).status_code == 201
    assert claim(gateway, authorisation).status_code == 201

    refused = claim(gateway, authorisation)

    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "daily_limit_reached"
    assert "3" in refused.json()["detail"]
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 3
    authorisation.refresh_from_db()
    assert authorisation.status == "active"  # a daily limit ends nothing: tomorrow's reads remain


def test_a_paused_or_revoked_authorisation_refuses_the_read_and_records_nothing(gateway):
    paused = authorise(make_customer(), registration=register())
    services.authorisation_pause(
        actor=actor_for_user(paused.user), authorisation_id=paused.pk, subject=paused.subject
    )
    revoked = authorise(make_customer(), registration=register())
    services.authorisation_revoke(
        actor=actor_for_user(revoked.user), authorisation_id=revoked.pk, channel="internet_banking",
        subject=revoked.subject,
    )

    answers = {name: claim(gateway, a) for name, a in (("paused", paused), ("revoked", revoked))}

    assert {name: (r.status_code, r.json()["code"]) for name, r in answers.items()} == {
        "paused": (409, "authorisation_paused"),
        "revoked": (409, "authorisation_ended"),
    }
    assert not AccessRecord.objects.filter(authorisation__in=[paused, revoked]).exists()


def test_a_read_is_refused_once_the_term_has_run_out_or_the_third_party_is_suspended(gateway):
    past_term = authorise(make_customer(), days=1, now=timezone.now() - timedelta(days=2))
    # Still ACTIVE: the hourly sweep has not expired it yet; the claim reads the clock itself.
    assert past_term.status == "active"
    registration = register()
    suspended = authorise(make_customer(), registration=registration)
    services.third_party_suspend(actor=DPO, third_party_id=registration.third_party.pk, reason="audit")

    assert (claim(gateway, past_term).status_code, claim(gateway, past_term).json()["code"]) == (
        409, "authorisation_ended",
    )
    assert claim(gateway, suspended).json()["code"] == "authorisation_paused"
    assert not AccessRecord.objects.filter(authorisation__in=[past_term, suspended]).exists()


def test_bad_claims_get_a_clear_4xx(gateway, api):
    authorisation = authorise(make_customer(), registration=register(), scopes=("accounts:read",))

    outside = claim(gateway, authorisation, {"scope": "transactions:read"})
    assert (outside.status_code, list(outside.json())) == (400, ["scope"])
    assert claim(gateway, authorisation, {"record_count": 1}).status_code == 400
    missing = gateway.post("/api/v1/authorisations/00000000-0000-0000-0000-000000000000/reads/", ACCOUNTS,
                           format="json")
    assert missing.status_code == 404
    assert claim(api, authorisation).status_code == 401  # only the gateway, with its token, claims
    assert not AccessRecord.objects.filter(authorisation=authorisation).exists()


def test_a_claim_retried_with_its_idempotency_key_is_one_read(gateway):
    authorisation = authorise(make_customer(), registration=register(frequency_per_day=2))

    first = claim(gateway, authorisation, HTTP_IDEMPOTENCY_KEY="read-1")
    again = claim(gateway, authorisation, HTTP_IDEMPOTENCY_KEY="read-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1


def test_a_claimed_read_counts_at_the_next_introspection(authorised, gateway):
    authorisation, tokens = authorised
    before = selectors.token_introspect(token=tokens["access_token"], now=timezone.now())

    assert claim(gateway, authorisation).status_code == 201

    after = selectors.token_introspect(token=tokens["access_token"], now=timezone.now())
    assert (before["reads_remaining"], after["reads_remaining"]) == (4, 3)


def test_a_scope_the_authorisation_does_not_cover_is_refused_first_on_both_paths(gateway):
    """The scope is checked once per path, before anything else about the read: a claim on a paused
    authorisation in a scope it does not cover is told about the scope; a reported read in such a scope
    is refused too, and neither records anything."""
    authorisation = authorise(make_customer(), registration=register(), scopes=("accounts:read",))
    services.authorisation_pause(
        actor=actor_for_user(authorisation.user), authorisation_id=authorisation.pk,
        subject=authorisation.subject,
    )
    outside = {"scope": "transactions:read", "accessed_at": timezone.now().isoformat(), "record_count": 1}

    claimed = claim(gateway, authorisation, {"scope": "transactions:read"})
    reported = gateway.post(f"/api/v1/authorisations/{authorisation.pk}/accesses/", outside, format="json")

    assert (claimed.status_code, list(claimed.json())) == (400, ["scope"])
    assert (reported.status_code, list(reported.json())) == (400, ["scope"])
    assert not AccessRecord.objects.filter(authorisation=authorisation).exists()
