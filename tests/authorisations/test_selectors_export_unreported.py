"""A read claimed before serving and not reported yet says so in the customer's access/copy export and
in the regulator's proof bundle (no record count, `awaiting_report`), as the customer's page does, rather
than "0 records"; times are Vietnam time, as the bundle gives them."""

from __future__ import annotations

from datetime import datetime

import pytest

from authorisations import services
from authorisations.selectors import authorisations_export
from core.actors import Actor
from deadlines.policy import LOCAL_TZ
from regulator.proof_bundle.common import Period
from regulator.proof_bundle.rights import authorisations_section
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db
GATEWAY = Actor(kind="client", user_id=None, label="gateway_t")


def _claimed_then_reported(customer):
    authorisation = authorise(customer, scopes=("accounts:read", "transactions:read"))
    services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="transactions:read")
    reported = services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read")
    services.access_record(
        actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read",
        accessed_at=reported.accessed_at, record_count=7, claim=reported.pk,
    )
    return customer.customer_account.subject


def _by_scope(accesses) -> dict:
    return {access["scope"]: (access["records"], access["awaiting_report"]) for access in accesses}


def test_the_export_says_a_claimed_read_is_not_reported_yet(customer1):
    subject = _claimed_then_reported(customer1)

    accesses = authorisations_export(subject)[0]["accesses"]

    assert _by_scope(accesses) == {"transactions:read": (None, True), "accounts:read": (7, False)}
    assert {datetime.fromisoformat(access["at"]).utcoffset() for access in accesses} == {
        datetime.now(LOCAL_TZ).utcoffset()
    }


def test_the_proof_bundle_says_a_claimed_read_is_not_reported_yet(customer1):
    subject = _claimed_then_reported(customer1)

    accesses = authorisations_section(subject, Period())[0]["accesses"]

    assert _by_scope(accesses) == {"transactions:read": (None, True), "accounts:read": (7, False)}
