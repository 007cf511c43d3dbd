"""A report on `accesses/` that names no `claim` but gives the claimed read's own time (the `accessed_at`
the claim answered with, to the microsecond) and scope is a report of that read: the gateway kept the
claim's answer and left out its `id`. It is answered as a report naming the claim is: the claimed read
completed (200), the same report again 200, another record count 409 `read_already_reported`. Before,
it was recorded as a second read: two rows in the customer's log, two of the day's reads used.

A report at any other time stays a read of its own (201): nothing else tells a claimed read from one
served without a claim, and folding a read served without a claim into a claim would hide it from the
customer (docs/third-party-access.md, "Reporting a claimed read")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from audit.models import AuditEntry
from authorisations import selectors
from authorisations.models import AccessRecord
from tests.authorisations.factories import authorise, register
from tests.authorisations.test_api_claimed_reports import claim
from tests.factories import make_customer


def report_at(gateway, authorisation, accessed_at: str, *, scope="accounts:read", record_count=42, **extra):
    body = {"scope": scope, "accessed_at": accessed_at, "record_count": record_count, **extra}
    return gateway.post(f"/api/v1/authorisations/{authorisation.pk}/accesses/", body, format="json")


def _shifted(accessed_at: str, **delta) -> str:
    return (datetime.fromisoformat(accessed_at) + timedelta(**delta)).isoformat()


def test_a_report_without_claim_at_the_claims_own_time_completes_that_read(gateway):
    authorisation = authorise(make_customer(), registration=register(frequency_per_day=4))
    claimed = claim(gateway, authorisation)

    reported = report_at(gateway, authorisation, claimed["accessed_at"], record_count=42)

    assert reported.status_code == 200, reported.content
    body = reported.json()
    assert (body["id"], body["claimed"], body["record_count"]) == (claimed["id"], True, 42)
    assert body["accessed_at"] == claimed["accessed_at"] and body["reported_at"] is not None
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1
    assert selectors.authorisation_read_facts(authorisation, now=timezone.now())[0] == 1
    entry = AuditEntry.objects.get(action="authorisations.access.confirmed")
    assert (entry.data["access"], entry.data["records"], entry.data["claim_named"]) == (
        claimed["id"], {"old": 0, "new": 42}, False,
    )
    assert not AuditEntry.objects.filter(action="authorisations.access.reported").exists()


def test_the_same_instant_written_in_utc_is_the_same_read(gateway):
    authorisation = authorise(make_customer(), registration=register())
    claimed = claim(gateway, authorisation)
    in_utc = datetime.fromisoformat(claimed["accessed_at"]).astimezone(UTC).isoformat()

    assert report_at(gateway, authorisation, in_utc).status_code == 200
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1


def test_it_is_answered_as_a_report_naming_the_claim_whichever_came_first(gateway):
    authorisation = authorise(make_customer(), registration=register())
    claimed = claim(gateway, authorisation)
    named = report_at(gateway, authorisation, claimed["accessed_at"], record_count=5, claim=claimed["id"])

    again = report_at(gateway, authorisation, claimed["accessed_at"], record_count=5)
    other = report_at(gateway, authorisation, claimed["accessed_at"], record_count=6)

    assert (named.status_code, again.status_code) == (200, 200)
    assert again.json() == named.json()
    assert other.status_code == 409, other.content
    assert other.json()["code"] == "read_already_reported"
    assert AccessRecord.objects.get(pk=claimed["id"]).record_count == 5
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1


def test_a_one_time_authorisations_claim_reported_without_its_id_is_its_one_read(gateway):
    authorisation = authorise(make_customer(), registration=register(fetch_type="one_time"))
    claimed = claim(gateway, authorisation)

    reported = report_at(gateway, authorisation, claimed["accessed_at"], record_count=9)

    assert reported.status_code == 200, reported.content
    authorisation.refresh_from_db()
    assert authorisation.status == "used"
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1


def test_a_report_at_another_time_or_of_another_scope_is_a_read_of_its_own(gateway):
    authorisation = authorise(
        make_customer(), registration=register(frequency_per_day=4),
        scopes=("accounts:read", "transactions:read"),
    )
    claimed = claim(gateway, authorisation)

    answers = [
        report_at(gateway, authorisation, _shifted(claimed["accessed_at"], microseconds=1)),
        report_at(gateway, authorisation, _shifted(claimed["accessed_at"], microseconds=-1)),
        report_at(gateway, authorisation, claimed["accessed_at"], scope="transactions:read"),
    ]

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.json()["claimed"] for a in answers] == [False, False, False]
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 4
    assert AccessRecord.objects.get(pk=claimed["id"]).reported_at is None
