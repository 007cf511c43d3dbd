"""Evidence of a customer's instruction is what staff record when they revoke on the customer's behalf
(a form's number, an ID seen). A customer revoking their own authorisation gives no such evidence: text
sent as `evidence` by the customer is refused (400 on `evidence`), not recorded as if staff had witnessed
an instruction (the audit entry's `evidence: true`)."""

from __future__ import annotations

import pytest

from authorisations.models import Authorisation
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db


def test_a_customer_cannot_record_evidence_on_their_own_revocation(customer1, as_user):
    authorisation = authorise(customer1)
    api = as_user(customer1)
    url = f"/api/v1/authorisations/{authorisation.pk}/revoke/"
    refused = api.post(url, {"channel": "mobile_app", "evidence": "Phiếu 12"}, format="json")
    assert refused.status_code == 400
    assert "evidence" in refused.json()
    assert Authorisation.objects.get(pk=authorisation.pk).status == "active"
    assert api.post(url, {"channel": "mobile_app", "evidence": ""}, format="json").status_code == 200
    event = Authorisation.objects.get(pk=authorisation.pk).events.get(kind="revoked")
    assert event.evidence == ""
