"""Requests naming a purpose whose new version has taken effect, before the job copies it onto the
purpose row: the objection is put in force, the answer gives no false exemption, and a withdrawal is
taken in for the purposes consent-based by the version in force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from consents import services as consent_services
from consents.models import Purpose
from consents.selectors import consent_check
from core.errors import InvalidInput
from dsr.selectors import request_not_covered
from tests.consents.factories import SYSTEM, announce_on_time, grant, make_purpose
from tests.dsr.factories import MONDAY, make_request, verified_request

pytestmark = pytest.mark.django_db
# The version was published 30 days ahead and took effect a day before Monday; the job has not run.
PUBLISHED = MONDAY - timedelta(days=31)
IN_FORCE = PUBLISHED + timedelta(days=30)


def _purpose_rebased(code: str, *, before: str, after: str) -> Purpose:
    make_purpose(code, legal_basis=before, category="analytics", effective_at=PUBLISHED - timedelta(days=60))
    consent_services.purpose_update(
        actor=SYSTEM, code=code, changes={"legal_basis": after}, effective_at=IN_FORCE, now=PUBLISHED
    )
    announce_on_time(code)
    return Purpose.objects.get(code=code)


def test_an_objection_verified_in_the_window_stops_the_purpose_now_consent_based(subject):
    purpose = _purpose_rebased("ana", before="contract", after="consent")
    grant(subject, purpose, now=MONDAY - timedelta(hours=1))

    request = verified_request(subject, type="object", purposes=["ana"], now=MONDAY)

    answer = consent_check(subject_ref=subject.external_ref, purpose_code="ana", now=MONDAY)
    assert (answer.allowed, answer.reason) == (False, "objected")
    # The customer is not told a contract needs it: it rests on their consent now.
    with translation.override("en"):
        assert request_not_covered(request) == []


def test_a_withdrawal_request_in_the_window_is_taken_in_by_the_basis_in_force(subject):
    _purpose_rebased("now-consent", before="contract", after="consent")
    _purpose_rebased("now-contract", before="consent", after="contract")

    request = make_request(subject, type="withdraw", purposes=["now-consent"], now=MONDAY)
    assert request.purposes == ["now-consent"]
    with pytest.raises(InvalidInput) as refused:
        make_request(subject, type="withdraw", purposes=["now-contract"], now=MONDAY)
    assert "now-contract" in str(refused.value.message % refused.value.params)
