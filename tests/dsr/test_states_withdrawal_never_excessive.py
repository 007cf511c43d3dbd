"""Lawyer review: a customer in a dispute with the bank sends request after request. Staff could refuse a
withdrawal of consent as "manifestly unfounded or excessive", and the consent stayed live: the bank went
on processing after the customer said no. A withdrawal is the customer's at any time and as easy as the
consent was (Law 91/2025; domain notes, "Consent rules"); repeated ones cost nothing, as a consent already
withdrawn withdraws nothing again. Only an unverified requester may be refused one. Other rights may still
be refused as excessive, with the note that says why."""

from __future__ import annotations

import pytest

from consents.models import Consent
from core.errors import InvalidInput
from dsr import services
from dsr.selectors import request_refusal_reasons
from dsr.states import RequestStatus
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, make_request

pytestmark = pytest.mark.django_db

NOTE = "Khách hàng đã gửi 40 yêu cầu trong một tuần."


def test_a_withdrawal_is_not_refused_as_manifestly_unfounded_or_excessive(subject):
    purpose = make_purpose("marketing")
    consent = grant(subject, purpose)
    request = make_request(subject, type="withdraw", purposes=["marketing"])

    assert "manifestly_unfounded" not in request_refusal_reasons(request, to=RequestStatus.REJECTED)
    with pytest.raises(InvalidInput) as refused:
        services.request_reject(
            actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note=NOTE
        )
    assert refused.value.field == "reason"
    assert Consent.objects.get(pk=consent.pk).status == "granted"


def test_an_access_request_may_still_be_refused_as_excessive_with_its_note(subject):
    request = make_request(subject, type="access")
    refused = services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note=NOTE
    )
    assert refused.status == "rejected"


def test_a_withdrawal_is_not_refused_for_another_reason_of_the_banks(subject):
    """The catch-all "Other reason (explained in the note)" is the bank's judgement too: refused so before
    the requester is verified, the consent stays live after the customer said no. Only a requester who
    cannot be verified is refused (once verified, the withdrawal is in force and is refused no more)."""
    consent = grant(subject, make_purpose("marketing"))
    request = make_request(subject, type="withdraw", purposes=["marketing"])

    assert request_refusal_reasons(request, to=RequestStatus.REJECTED) == ["identity_not_verified"]
    with pytest.raises(InvalidInput) as refused:
        services.request_reject(actor=STAFF, request_id=request.pk, reason="other", note=NOTE)
    assert refused.value.field == "reason"
    assert Consent.objects.get(pk=consent.pk).status == "granted"


def test_an_access_request_may_still_be_refused_for_another_reason_in_the_note(subject):
    request = make_request(subject, type="access")
    refused = services.request_reject(actor=STAFF, request_id=request.pk, reason="other", note=NOTE)
    assert refused.status == "rejected"
