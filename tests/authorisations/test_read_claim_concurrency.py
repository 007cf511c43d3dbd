"""Two gateway calls claiming the last allowed read at the same moment (PostgreSQL: real row locks):
exactly one is served (201), the other refused (409), and one read is recorded. Each thread is its own
API client on its own database connection, released together by a barrier (`tests.concurrency.race`,
which closes each thread's connection)."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from audit.models import AuditEntry
from authorisations.models import AccessRecord, Authorisation
from core.roles import Role
from tests.authorisations.factories import authorise, register
from tests.concurrency import run_together
from tests.factories import UserFactory, make_customer, make_token

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _claims_at_once(authorisation: Authorisation, n: int = 2) -> list[tuple[int, str | None]]:
    """`n` gateway calls claiming a read of `authorisation` at once: each (status, refusal code)."""
    token = make_token(UserFactory(username="gateway_race", role=Role.CLIENT), ["authorisations:gateway"])

    def claim():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.post(
            f"/api/v1/authorisations/{authorisation.pk}/reads/",
            {"scope": "accounts:read", "record_count": 1},
            format="json",
        )
        return response.status_code, response.json().get("code")

    return sorted(run_together([claim] * n))


def test_two_simultaneous_claims_of_a_one_time_read_serve_exactly_one():
    authorisation = authorise(make_customer(), registration=register(fetch_type="one_time"))

    assert _claims_at_once(authorisation) == [(201, None), (409, "read_used")]
    authorisation.refresh_from_db()
    assert authorisation.status == "used"
    assert authorisation.accesses.count() == 1
    assert authorisation.events.filter(kind="used").count() == 1


def test_two_simultaneous_claims_of_the_last_read_of_the_day_serve_exactly_one():
    authorisation = authorise(make_customer(), registration=register(frequency_per_day=2))
    AccessRecord.objects.create(
        authorisation=authorisation, scope="accounts:read", accessed_at=authorisation.starts_at,
        reported_by="gateway",
    )

    assert _claims_at_once(authorisation) == [(201, None), (409, "daily_limit_reached")]
    assert authorisation.accesses.count() == 2
    authorisation.refresh_from_db()
    assert authorisation.status == "active"



def _gateway_calls(authorisation: Authorisation):
    """A gateway token, and (claim, report) making one call each on a new client (its own connection in
    a thread): the claim answers its JSON, a report of `claimed` with `count` records its status and
    refusal code."""
    token = make_token(UserFactory(username="gateway_race", role=Role.CLIENT), ["authorisations:gateway"])

    def post(path, body):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post(f"/api/v1/authorisations/{authorisation.pk}/{path}/", body, format="json")

    def claim():
        return post("reads", {"scope": "accounts:read"})

    def report(claimed, count):
        body = {"scope": "accounts:read", "accessed_at": claimed["accessed_at"], "record_count": count,
                "claim": claimed["id"]}
        response = post("accesses", body)
        return response.status_code, response.json().get("code")

    return claim, report


def test_two_simultaneous_reports_of_one_claim_complete_it_once():
    """A gateway's report of a claimed read and its retry, at once: the authorisation's lock orders
    them, so the claim is completed once (one audit entry) and no read is added; two other counts for
    it are both refused, the first report standing."""
    authorisation = authorise(make_customer(), registration=register(frequency_per_day=4))
    claim, report = _gateway_calls(authorisation)
    claimed = claim().json()

    assert run_together([lambda: report(claimed, 5)] * 2) == [(200, None), (200, None)]
    refused = run_together([lambda: report(claimed, 6), lambda: report(claimed, 7)])
    assert refused == [(409, "read_already_reported")] * 2
    assert authorisation.accesses.count() == 1
    assert authorisation.accesses.get().record_count == 5
    assert AuditEntry.objects.filter(action="authorisations.access.confirmed").count() == 1


def test_a_claim_reported_while_the_last_read_of_the_day_is_claimed_leaves_that_read_to_the_claim():
    """The report of a claimed read adds nothing, so the claim made at the same moment gets the last
    read of the day (before, the report's second record could take it first)."""
    authorisation = authorise(make_customer(), registration=register(frequency_per_day=2))
    claim, report = _gateway_calls(authorisation)
    claimed = claim().json()

    answers = run_together([lambda: report(claimed, 3), lambda: claim().status_code])

    assert answers == [(200, None), 201]
    assert authorisation.accesses.count() == 2
