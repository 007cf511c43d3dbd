"""A read the gateway claimed on `reads/` (before serving) and then reports on `accesses/` (after
serving) is one read: the report names the claim (`claim`, the `id` the claim answered with) and
completes that access record (the record count served, the time of the report) instead of adding one.
Before, the report added a second record: the customer saw two reads in their access log, their
"who read my data" page and the proof bundle, and their daily limit ran out twice as fast. A report
naming no claim is a read served without one, recorded as before."""

from __future__ import annotations

from django.utils import timezone

from audit.models import AuditEntry
from authorisations import selectors, services
from authorisations.models import AccessRecord
from core.actors import actor_for_user
from regulator.proof_bundle import proof_bundle
from tests.authorisations.factories import DPO, authorise, register
from tests.factories import make_customer


def claim(gateway, authorisation, scope="accounts:read", record_count=0):
    body = {"scope": scope, "record_count": record_count}
    response = gateway.post(f"/api/v1/authorisations/{authorisation.pk}/reads/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def report(gateway, authorisation, *, scope="accounts:read", record_count=42, **extra):
    body = {"scope": scope, "accessed_at": timezone.now().isoformat(), "record_count": record_count, **extra}
    return gateway.post(f"/api/v1/authorisations/{authorisation.pk}/accesses/", body, format="json")


def _page_reads(browser, authorisation) -> int:
    page = browser.get("/me/authorisations/").content.decode()
    section = page.split(f'data-testid="authorisation-{authorisation.pk}"', 1)[1]
    log = section.split('data-testid="access-log"', 1)[1].split("</table>", 1)[0]
    return log.count("<tr><td>")


def test_a_claimed_read_reported_after_serving_is_one_read_everywhere(
    authorised, gateway, browser1, dpo, api
):
    authorisation, tokens = authorised
    claimed = claim(gateway, authorisation)

    reported = report(gateway, authorisation, claim=claimed["id"], record_count=42)

    assert reported.status_code == 200, reported.content
    assert reported.json()["id"] == claimed["id"]
    assert reported.json()["record_count"] == 42
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1
    api.force_login(dpo)
    listed = api.get(f"/api/v1/authorisations/{authorisation.pk}/accesses/").json()["results"]
    assert [(a["id"], a["record_count"], a["claimed"]) for a in listed] == [(claimed["id"], 42, True)]
    assert _page_reads(browser1, authorisation) == 1
    now = timezone.now()
    assert selectors.authorisation_read_facts(authorisation, now=now)[0] == 1
    assert selectors.token_introspect(token=tokens["access_token"], now=now)["reads_remaining"] == 3
    bundle = proof_bundle(authorisation.subject, generated_by=DPO, role="dpo", now=now)
    [section] = [a for a in bundle["authorisations"] if a["id"] == str(authorisation.pk)]
    assert [a["records"] for a in section["accesses"]] == [42]


def test_the_report_completes_the_claimed_record_with_its_own_audit_entry(gateway):
    authorisation = authorise(make_customer(), registration=register())
    claimed = claim(gateway, authorisation, record_count=0)
    assert claimed["claimed"] is True
    assert claimed["reported_at"] is None

    reported = report(gateway, authorisation, claim=claimed["id"], record_count=7).json()

    record = AccessRecord.objects.get(pk=claimed["id"])
    assert (record.record_count, record.claimed) == (7, True)
    assert record.reported_at is not None
    assert reported["reported_at"] is not None
    # The read stays at the time the bank allowed it: the daily limit was checked for that moment.
    assert reported["accessed_at"] == claimed["accessed_at"]
    entry = AuditEntry.objects.get(action="authorisations.access.confirmed")
    assert entry.target_id == str(authorisation.pk)
    assert entry.data["access"] == claimed["id"]
    assert entry.data["records"] == {"old": 0, "new": 7}
    assert not AuditEntry.objects.filter(action="authorisations.access.reported").exists()


def test_a_repeated_report_of_a_claim_changes_nothing_and_a_different_count_is_refused(gateway):
    authorisation = authorise(make_customer(), registration=register())
    claimed = claim(gateway, authorisation)
    first = report(gateway, authorisation, claim=claimed["id"], record_count=5)

    again = report(gateway, authorisation, claim=claimed["id"], record_count=5)
    other = report(gateway, authorisation, claim=claimed["id"], record_count=6, HTTP_ACCEPT_LANGUAGE="en")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert other.status_code == 409, other.content
    assert other.json()["code"] == "read_already_reported"
    assert AccessRecord.objects.get(pk=claimed["id"]).record_count == 5
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1
    assert AuditEntry.objects.filter(action="authorisations.access.confirmed").count() == 1


def test_a_report_naming_what_is_not_a_claim_of_this_authorisation_is_refused(gateway):
    registration = register()
    authorisation = authorise(make_customer(), registration=registration, scopes=("accounts:read",
                                                                                  "transactions:read"))
    elsewhere = authorise(make_customer(), registration=registration)
    claimed_elsewhere = claim(gateway, elsewhere)
    claimed = claim(gateway, authorisation, scope="accounts:read")
    unclaimed = report(gateway, authorisation).json()
    before = AccessRecord.objects.count()

    answers = {
        "another authorisation's": report(gateway, authorisation, claim=claimed_elsewhere["id"]),
        "a reported read": report(gateway, authorisation, claim=unclaimed["id"]),
        "no such record": report(gateway, authorisation, claim=10**12),
        "another scope": report(gateway, authorisation, claim=claimed["id"], scope="transactions:read"),
    }

    assert {name: (r.status_code, sorted(r.json())) for name, r in answers.items()} == {
        "another authorisation's": (400, ["claim"]),
        "a reported read": (400, ["claim"]),
        "no such record": (400, ["claim"]),
        "another scope": (400, ["scope"]),
    }
    assert AccessRecord.objects.count() == before
    assert AccessRecord.objects.get(pk=claimed["id"]).reported_at is None
    # Nothing above used the claim up.
    assert report(gateway, authorisation, claim=claimed["id"]).status_code == 200


def test_a_report_naming_no_claim_is_a_read_served_without_one_recorded_as_before(gateway):
    authorisation = authorise(make_customer(), registration=register(frequency_per_day=4))
    claim(gateway, authorisation)

    reported = report(gateway, authorisation, record_count=3)

    assert reported.status_code == 201, reported.content
    body = reported.json()
    assert (body["claimed"], body["record_count"]) == (False, 3)
    assert body["reported_at"] is not None
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 2
    now = timezone.now()
    assert selectors.authorisation_read_facts(authorisation, now=now)[0] == 2


def test_a_claim_of_a_one_time_authorisation_is_reported_after_it_is_used(gateway):
    authorisation = authorise(make_customer(), registration=register(fetch_type="one_time"))
    claimed = claim(gateway, authorisation)

    reported = report(gateway, authorisation, claim=claimed["id"], record_count=9)

    assert reported.status_code == 200, reported.content
    authorisation.refresh_from_db()
    assert authorisation.status == "used"
    assert list(authorisation.events.values_list("kind", flat=True)) == ["granted", "used"]
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1


def test_a_claim_is_reported_whatever_has_happened_to_the_authorisation_since(gateway):
    """The data left when the claim was allowed: a report after a revocation still completes it."""
    authorisation = authorise(make_customer(), registration=register())
    claimed = claim(gateway, authorisation)
    services.authorisation_revoke(
        actor=actor_for_user(authorisation.user), authorisation_id=authorisation.pk,
        channel="internet_banking", subject=authorisation.subject,
    )

    assert report(gateway, authorisation, claim=claimed["id"]).status_code == 200
    assert AccessRecord.objects.filter(authorisation=authorisation).count() == 1


def test_the_schema_says_how_a_claimed_read_is_reported(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    report_op = schema["paths"]["/api/v1/authorisations/{id}/accesses/"]["post"]
    claim_op = schema["paths"]["/api/v1/authorisations/{id}/reads/"]["post"]
    body = schema["components"]["schemas"]["AccessReportRequest"]

    assert "claim" in body["properties"] and "claim" not in body["required"]
    assert {"200", "201", "409"} <= set(report_op["responses"])
    assert "`claim`" in report_op["description"] and "`claim`" in claim_op["description"]
    assert {"claimed", "reported_at"} <= set(schema["components"]["schemas"]["AccessOutput"]["properties"])


def test_a_report_of_a_read_on_a_day_before_year_one_in_utc_is_a_400(authorised, gateway):
    authorisation, _tokens = authorised
    response = report(gateway, authorisation, accessed_at="0001-01-01T00:00:00")
    assert response.status_code == 400, response.content
    assert response.json()["accessed_at"][0]
