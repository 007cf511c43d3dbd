"""A customer's own request names a customer number (CIF) typed in any case: their own, or a ward's,
found by the one rule (`subject_for_ref`: the one stored as typed first, else the upper-case one).
Another customer's number stays another customer's, whatever its case."""

from __future__ import annotations

import pytest

from dsr.models import DataSubjectRequest
from subjects.models import DataSubject
from tests.consents.factories import child_of

pytestmark = pytest.mark.django_db


def _file(api, ref: str):
    return api.post(
        "/api/v1/requests/", {"subject": ref, "type": "access", "channel": "mobile_app"}, format="json"
    )


def test_a_customer_naming_their_own_cif_in_lower_case_files_their_own_request(as_user, customer_a):
    """The customer's app sends the CIF as the customer typed it: their own, in lower case."""
    own = customer_a.customer_account.subject
    api = as_user(customer_a, scopes=["requests:read", "requests:write"])
    response = api.post("/api/v1/requests/", {
        "subject": own.external_ref.lower(), "type": "access", "channel": "mobile_app",
    }, format="json")
    assert response.status_code == 201, response.json()


def test_a_customer_names_their_ward_in_lower_case_and_never_another_customer(
    as_user, customer_a, customer_b
):
    own = customer_a.customer_account.subject
    ward = child_of(own, age=10)
    api = as_user(customer_a, scopes=["requests:read", "requests:write"])
    response = _file(api, ward.external_ref.lower())
    assert response.status_code == 201, response.json()
    filed = DataSubjectRequest.objects.get(pk=response.json()["id"])
    assert (filed.subject, filed.guardian) == (ward, own)
    other = customer_b.customer_account.subject.external_ref
    assert _file(api, other.lower()).status_code == 404
    assert _file(api, other).status_code == 404


def test_a_ward_left_in_lower_case_beside_the_customer_s_own_cif_is_found_as_typed(as_user, customer_a):
    """subjects 0003 left a row in lower case where upper-casing it would have taken another customer's
    number: typed as stored, it names that row, here the customer's ward, not the customer."""
    own = customer_a.customer_account.subject
    ward = child_of(own, age=10)
    DataSubject.objects.filter(pk=ward.pk).update(external_ref=own.external_ref.lower())
    api = as_user(customer_a, scopes=["requests:read", "requests:write"])
    as_ward = DataSubjectRequest.objects.get(pk=_file(api, own.external_ref.lower()).json()["id"])
    as_self = DataSubjectRequest.objects.get(pk=_file(api, own.external_ref).json()["id"])
    assert (as_ward.subject, as_ward.guardian, as_self.subject, as_self.guardian) == (ward, own, own, None)
