"""Restriction and objection requests: in force from identity verification, only where the law lets
them reach, with the purposes left alone and their legal reason in the answer."""

from __future__ import annotations

import pytest
from django.utils import translation

from consents.selectors import consent_check
from core.errors import InvalidInput
from dsr import services
from dsr.selectors import request_not_covered
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, make_request, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(subject):
    grant(subject, make_purpose("marketing-offers", category="marketing"))
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    return subject


def reason(subject, code):
    result = consent_check(subject_ref=subject.external_ref, purpose_code=code)
    return result.allowed, result.reason


def test_a_restriction_blocks_the_check_as_soon_as_identity_is_verified(catalogue):
    request = make_request(catalogue, type="restrict")
    assert reason(catalogue, "marketing-offers") == (True, "granted")

    services.request_verify_identity(
        actor=STAFF,
        request_id=request.pk,
        method="branch_documents",
        document_number=request.subject.national_id,
    )

    # Before any downstream system has reported: the request is still in progress.
    assert reason(catalogue, "marketing-offers") == (False, "restricted")
    assert reason(catalogue, "kyc") == (True, "legal_basis")


def test_a_blanket_objection_answers_which_purposes_go_on_and_why(catalogue):
    request = verified_request(catalogue, type="object")
    assert reason(catalogue, "marketing-offers") == (False, "objected")
    assert reason(catalogue, "kyc") == (True, "legal_basis")
    with translation.override("en"):
        not_covered = request_not_covered(request)
    assert [(row["purpose"], row["reason"]) for row in not_covered] == [
        ("kyc", "The law requires this processing (legal obligation); it continues.")
    ]


def test_refusing_a_verified_restriction_lifts_it(catalogue):
    request = verified_request(catalogue, type="restrict", purposes=["marketing-offers"])
    services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Trùng yêu cầu"
    )
    assert reason(catalogue, "marketing-offers") == (True, "granted")


def test_an_unknown_purpose_is_refused_at_intake(subject):
    with pytest.raises(InvalidInput):
        make_request(subject, type="restrict", purposes=["no-such-purpose"])
