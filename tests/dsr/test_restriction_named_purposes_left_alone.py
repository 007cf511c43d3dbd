"""A restriction or objection naming a purpose the law keeps going (KYC: a legal obligation) is not
fulfilled for that purpose: the answer is partial, in the customer's language, with the legal reason the
purpose goes on (Law 91: a refusal or partial fulfilment states its legal reason); one naming only such
purposes stops nothing, and cannot be answered as done."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consents import services as consent_services
from consents.selectors import consent_check
from core.errors import Conflict
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask
from tests.consents.factories import SYSTEM, announce_on_time, grant, make_purpose
from tests.dsr.factories import MONDAY, STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(subject):
    make_inventory()
    grant(subject, make_purpose("marketing-offers", category="marketing"))
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance", name_en="Know your customer")
    return subject


def _answer(request, **answer):
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={}, now=answer.get("now"))
    return services.request_complete(actor=STAFF, request_id=request.pk, **answer)


def test_an_objection_naming_a_purpose_the_law_keeps_going_is_answered_in_part_with_its_reason(catalogue):
    catalogue.preferred_language = "en"
    catalogue.save(update_fields=["preferred_language"])
    request = verified_request(catalogue, type="object", purposes=["marketing-offers", "kyc"])

    answered = _answer(request)

    assert answered.status == "partially_completed"
    assert answered.outcome_reason
    assert "Know your customer" in answered.outcome_note
    assert "The law requires this processing (legal obligation); it continues." in answered.outcome_note
    allowed = consent_check(subject_ref=catalogue.external_ref, purpose_code="marketing-offers").allowed
    assert allowed is False


def test_an_objection_whose_purposes_the_law_keeps_going_by_the_answer_cannot_be_answered_as_done(subject):
    # Taken in while the purpose rested on consent; by the answer its new version rests on a contract.
    make_inventory()
    make_purpose("ana", legal_basis="consent", effective_at=MONDAY - timedelta(days=90))
    consent_services.purpose_update(
        actor=SYSTEM,
        code="ana",
        changes={"legal_basis": "contract"},
        effective_at=MONDAY + timedelta(days=1),
        now=MONDAY - timedelta(days=31),
    )
    announce_on_time("ana")
    request = verified_request(subject, type="object", purposes=["ana"], now=MONDAY)

    with pytest.raises(Conflict) as refused:
        _answer(request, now=MONDAY + timedelta(days=2))

    assert refused.value.code == "nothing_restricted"
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "in_progress"


def test_a_blanket_restriction_is_answered_in_full(catalogue):
    # Empty means every purpose the right reaches (docs/requests.md): KYC was never asked for.
    request = verified_request(catalogue, type="restrict")
    assert _answer(request).status == "completed"


def test_the_reason_a_named_purpose_goes_on_is_written_in_vietnamese_for_a_vietnamese_reader(catalogue):
    catalogue.preferred_language = "vi"
    catalogue.save(update_fields=["preferred_language"])
    request = verified_request(catalogue, type="restrict", purposes=["marketing-offers", "kyc"])

    note = _answer(request).outcome_note

    assert "Vẫn tiếp tục: Mục đích kyc." in note
    assert "Pháp luật yêu cầu hoạt động xử lý này (nghĩa vụ pháp lý)" in note


def test_an_objection_naming_only_purposes_the_law_keeps_going_cannot_be_answered_as_done(catalogue):
    request = verified_request(catalogue, type="object", purposes=["kyc"])

    with pytest.raises(Conflict) as refused:
        _answer(request)

    assert refused.value.code == "nothing_restricted"
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "in_progress"
    # Refused instead, with its legal reason (as the demo's objection to KYC is).
    services.request_reject(
        actor=STAFF, request_id=request.pk, reason="legal_prohibition", note="Nghĩa vụ pháp lý."
    )
