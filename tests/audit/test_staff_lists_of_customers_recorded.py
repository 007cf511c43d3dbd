"""The DPO's question "who looked at her data?" covers lists too: a staff member paging through every
customer's consents or requests through the API sees whom they name (customer numbers, what each agreed
to or asked for), so each customer named is recorded as looked at, masked, in one insert a page.
Integration clients' list reads are not recorded: their token's scopes bound them, and a system's hot
path pays no extra write."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_request
from tests.factories import make_subject
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db

VIEWED = "core.subject.viewed"


def _views(context: str) -> list[tuple]:
    return sorted(
        (entry.actor_label, str(entry.subject_id), entry.data["revealed"])
        for entry in AuditEntry.objects.filter(action=VIEWED, data__context=context)
    )


def _customers_with_consents(count: int) -> list:
    purpose = make_purpose()
    customers = [make_subject() for _ in range(count)]
    for customer in customers:
        grant(customer, purpose)
    return customers


def test_staff_paging_through_every_consent_is_recorded_per_customer(as_user, officer):
    customers = _customers_with_consents(3)
    answer = as_user(officer).get("/api/v1/consents/", {"limit": 500})
    assert answer.status_code == 200 and len(answer.json()["results"]) == 3
    assert _views("api.consents") == sorted((officer.username, str(c.pk), False) for c in customers)


def test_staff_paging_through_the_requests_is_recorded_per_customer(as_user, officer):
    customers = [make_subject() for _ in range(2)]
    for customer in customers:
        make_request(customer)
        make_request(customer, type="copy")
    answer = as_user(officer).get("/api/v1/requests/", {"limit": 500})
    assert answer.status_code == 200 and len(answer.json()["results"]) == 4
    # One entry per customer named, not per row.
    assert _views("api.requests") == sorted((officer.username, str(c.pk), False) for c in customers)


def test_a_system_listing_consents_writes_nothing(as_user, client_user):
    _customers_with_consents(2)
    answer = as_user(client_user).get("/api/v1/consents/", {"limit": 500})
    assert answer.status_code == 200 and len(answer.json()["results"]) == 2
    assert _views("api.consents") == []


def test_the_record_of_a_list_costs_the_same_whatever_its_length(as_user, officer):
    _customers_with_consents(2)
    api = as_user(officer)
    few = queries_of(lambda: api.get("/api/v1/consents/", {"limit": 500}))
    _customers_with_consents(18)
    many = queries_of(lambda: api.get("/api/v1/consents/", {"limit": 500}))
    assert many == few


def test_staff_paging_through_the_queue_page_is_recorded_per_customer(logged_in, officer):
    customers = [make_subject() for _ in range(2)]
    for customer in customers:
        make_request(customer)
    page = logged_in(officer).get("/en/portal/requests/")
    assert page.status_code == 200 and customers[0].external_ref in page.content.decode()
    assert _views("portal.queue") == sorted((officer.username, str(c.pk), False) for c in customers)


def test_staff_asking_the_consent_check_about_a_customer_is_recorded_and_a_system_is_not(
    as_user, officer, client_user
):
    [customer] = _customers_with_consents(1)
    purpose = customer.consents.get().purpose.code
    query = {"subject": customer.external_ref, "purpose": purpose}
    assert as_user(client_user).get("/api/v1/consent-check/", query).status_code == 200
    assert _views("api.consent_check") == []
    assert as_user(officer).get("/api/v1/consent-check/", query).status_code == 200
    assert _views("api.consent_check") == [(officer.username, str(customer.pk), False)]


def test_staff_checking_a_list_of_customers_records_each_customer_and_a_system_does_not(
    as_user, officer, client_user
):
    # The bulk check answers, for each customer number, whether they consent: a staff member sending the
    # whole customer base looks at every customer it knows, as one GET consent-check/ a customer does.
    customers = _customers_with_consents(3)
    purpose = customers[0].consents.get().purpose.code
    body = {"purpose": purpose, "subjects": [c.external_ref for c in customers] + ["NO-SUCH-CIF"]}
    assert as_user(client_user).post("/api/v1/consent-check/bulk/", body, format="json").status_code == 200
    assert _views("api.consent_check") == []
    assert as_user(officer).post("/api/v1/consent-check/bulk/", body, format="json").status_code == 200
    assert _views("api.consent_check") == sorted((officer.username, str(c.pk), False) for c in customers)
