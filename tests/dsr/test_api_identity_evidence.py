"""The request's API detail names who checked the requester and the eKYC session's reference, as the
request page does: a DPO answering an inspector's "how did you know it was the customer?" through the API
(or the bank's reporting reading it) had the method and the time but neither who checked nor the reference
of the check. A customer reading their own request sees who checked by kind, never a staff login.
Identity-verification review."""

from __future__ import annotations

import pytest

from core.actors import actor_for_user
from dsr import services
from dsr.models import IdentityMethod
from tests.dsr.factories import make_request
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_staff_read_who_checked_and_the_ekyc_reference(as_user, privacy_officer):
    customer = make_customer()
    request = make_request(customer.customer_account.subject, channel="call_centre")
    services.request_verify_identity(
        actor=actor_for_user(privacy_officer), request_id=request.pk, method=IdentityMethod.EKYC,
        reference="EKYC-2026-0042",
    )
    staff_view = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert staff_view["identity_reference"] == "EKYC-2026-0042"
    assert staff_view["identity_verified_by"] == privacy_officer.get_username()
    customer_view = as_user(customer).get(f"/api/v1/requests/{request.pk}/").json()
    assert customer_view["identity_verified_by"] == "staff"
