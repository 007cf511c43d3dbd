"""Lawyer review: a customer in a dispute with the bank sends request after request. Staff could refuse a
withdrawal of consent as "manifestly unfounded or excessive", and the consent stayed live: the bank went
on processing after the customer said no. A withdrawal is the customer's at any time and as easy as the
consent was (Law 91/2025; domain notes, "Consent rules"); repeated ones cost nothing, as a consent already
withdrawn withdraws nothing again. Only an unverified requester may be refused one. Other rights may still
be refused as excessive, with the note that says why."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from consents.models import Consent
from core.errors import InvalidInput
from dsr import services
from dsr.selectors import request_refusal_reasons
from dsr.states import RequestStatus
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import STAFF, make_request, verified_request

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


def test_a_verified_withdrawal_is_not_answered_in_part_because_a_law_forbids_it(subject):
    """Follow-up review: "a law forbids" was still offered for a partial answer of a verified withdrawal.
    Withdrawing consent stops what rests on consent; what a law makes the bank keep runs on another basis
    and is no refusal of the withdrawal, so no law's prohibition answers a withdrawal in part."""
    grant(subject, make_purpose("marketing"))
    request = verified_request(subject, type="withdraw", purposes=["marketing"])

    assert "legal_prohibition" not in request_refusal_reasons(request, to=RequestStatus.PARTIALLY_COMPLETED)
    with pytest.raises(InvalidInput) as refused:
        services.request_complete(
            actor=STAFF, request_id=request.pk, partial=True, reason="legal_prohibition", note=NOTE
        )
    assert refused.value.field == "reason"
    with translation.override("en"):
        assert "another basis" in refused.value.text
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_the_complete_page_answers_a_partial_withdrawal_under_a_law_with_a_form_error(
    subject, privacy_officer, client
):
    grant(subject, make_purpose("marketing"))
    request = verified_request(subject, type="withdraw", purposes=["marketing"])
    client.force_login(privacy_officer)
    with translation.override("en"):  # the pages in English: /en/...
        page = reverse("dsr:detail", args=[request.pk])
        complete = reverse("dsr:act", args=[request.pk, "complete"])

    assert 'value="legal_prohibition"' not in client.get(page).content.decode()
    response = client.post(complete, {"partial": "on", "reason": "legal_prohibition", "note": NOTE})
    assert response.status_code == 400
    assert "another basis" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_the_complete_form_offers_no_partial_answer_for_a_withdrawal(subject, privacy_officer, client):
    """Follow-up review: with no legal reason left to answer a withdrawal in part, the complete form still
    showed the "Only partly fulfilled" box (and an empty reason list): it is hidden for a withdrawal, and
    shown for a request some reason answers in part. The server still refuses a partial withdrawal."""
    grant(subject, make_purpose("marketing"))
    withdrawal = verified_request(subject, type="withdraw", purposes=["marketing"])
    access = verified_request(subject, type="access")
    client.force_login(privacy_officer)

    def complete_form(request) -> str:
        page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
        return page.split('data-testid="complete"', 1)[0].rsplit("<form", 1)[1]

    assert 'name="partial"' in complete_form(access) and 'name="reason"' in complete_form(access)
    assert 'name="partial"' not in complete_form(withdrawal)
    assert 'name="reason"' not in complete_form(withdrawal)
    assert 'name="note"' in complete_form(withdrawal)
