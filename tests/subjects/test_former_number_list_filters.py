"""Every list's `?subject=` follows a customer's former customer number (CIF) as the audit trail and the
request lists do: an officer holding a paper form signed under the old number reaches the customer's
consents, withdrawal duties and authorisations."""

from __future__ import annotations

import pytest

from tests.authorisations.factories import authorise
from tests.consents.factories import grant, make_purpose, withdrawn_with_a_hooked_partner
from tests.factories import make_customer, make_subject, signed_in

pytestmark = pytest.mark.django_db


def _renumbered(client, subject, new_ref):
    response = client.post(
        f"/api/v1/subjects/{subject.pk}/customer-number/",
        {"external_ref": new_ref, "kind": "renumbered", "reason": "core banking migration batch 7"},
        format="json",
    )
    assert response.status_code == 200, response.content


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    return {row["id"] for row in body.get("results", body)}


def test_the_consent_list_finds_the_customer_by_a_former_number(as_user, dpo):
    customer = make_subject(external_ref="CIF7300001")
    consent = grant(customer, make_purpose())
    grant(make_subject(external_ref="CIF7300002"), consent.purpose)
    _renumbered(as_user(dpo), customer, "CIF7399991")

    assert _ids(as_user(dpo).get("/api/v1/consents/?subject=cif7300001")) == {str(consent.pk)}


def test_the_duty_list_and_page_find_the_customer_by_a_former_number(as_user, dpo):
    duty = withdrawn_with_a_hooked_partner("Partner Bank", "share-partner")
    _renumbered(as_user(dpo), duty.consent.subject, "CIF7399992")
    former = duty.consent.subject.external_ref

    assert _ids(as_user(dpo).get(f"/api/v1/withdrawal-duties/?subject={former}")) == {str(duty.pk)}
    page = signed_in(dpo).get(f"/en/portal/withdrawal-duties/?subject={former}")
    assert page.status_code == 200 and str(duty.pk) in page.content.decode()


def test_the_authorisation_list_finds_the_customer_by_a_former_number(as_user, dpo):
    customer = make_customer(make_subject(external_ref="CIF7300003"))
    authorisation = authorise(customer)
    _renumbered(as_user(dpo), customer.customer_account.subject, "CIF7399993")

    assert _ids(as_user(dpo).get("/api/v1/authorisations/?subject=CIF7300003")) == {str(authorisation.pk)}
