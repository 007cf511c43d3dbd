"""An eKYC reference is the one check the platform cannot repeat: it records what the officer typed. A
call-centre officer who took a request in from a caller who "already did eKYC in the app" could type any
reference and verify that caller's request alone, the weakest method with no second look. The staff
member who took a request in now records no eKYC reference for it: someone else (the privacy team) looks
the session up in the eKYC system and records it; the officer may still verify by the code to the
registered phone or a document seen in person. Identity-verification review."""

from __future__ import annotations

import pytest

from core.actors import actor_for_user
from core.errors import InvalidInput
from dsr import services
from dsr.models import IdentityMethod
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_the_officer_who_took_the_request_in_records_no_ekyc_reference_for_it(officer):
    request = make_request(make_subject(), channel="call_centre", actor=actor_for_user(officer))
    with pytest.raises(InvalidInput) as refused:
        services.request_verify_identity(
            actor=actor_for_user(officer), request_id=request.pk, method=IdentityMethod.EKYC,
            reference="EKYC-12345",
        )
    assert refused.value.field == "method"
    request.refresh_from_db()
    assert request.identity_verified_at is None


def test_another_staff_member_records_the_ekyc_reference(officer, privacy_officer):
    request = make_request(make_subject(), channel="call_centre", actor=actor_for_user(officer))
    verified = services.request_verify_identity(
        actor=actor_for_user(privacy_officer), request_id=request.pk, method=IdentityMethod.EKYC,
        reference="EKYC-12345",
    )
    assert verified.identity_method == IdentityMethod.EKYC
    assert verified.identity_verified_by == privacy_officer
