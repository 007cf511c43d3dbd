"""A customer refused a loan by the scoring model objects and asks for a person to look at it (Law
91/2025/QH15 Art. 4, the right to object; Decree 356/2025 on processing by automated means). Scoring
rests on the loan contract, so the objection does not stop it; but it is not a request the bank may only
refuse: a person reviews the decision and the answer, partial, says so with what they found. Without
those words the answer is refused, as a complaint's without its answer is."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.errors import Conflict, InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask
from dsr.selectors import request_not_covered
from tests.consents.factories import make_purpose
from tests.dsr.factories import STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db

REVIEW = "Chị Lan (thẩm định tín dụng) xem lại hồ sơ: thu nhập chưa đủ; quyết định giữ nguyên."


@pytest.fixture
def scored(subject):
    make_inventory()
    make_purpose(
        "credit-scoring", legal_basis="contract", automated_processing="automated_decision",
        name_en="Credit scoring",
    )
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    subject.preferred_language = "en"
    subject.save(update_fields=["preferred_language"])
    return subject


def _answer(request, **answer):
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={}, now=answer.get("now"))
    return services.request_complete(actor=STAFF, request_id=request.pk, **answer)


def test_the_objection_is_answered_by_a_persons_review(scored):
    request = verified_request(scored, type="object", purposes=["credit-scoring"])

    answered = _answer(request, note=REVIEW)

    assert answered.status == "partially_completed"
    assert "Credit scoring" in answered.outcome_note
    assert "a person at the bank reviews the decision" in answered.outcome_note
    assert REVIEW in answered.outcome_note


def test_without_the_reviews_words_the_answer_is_refused(scored):
    request = verified_request(scored, type="object", purposes=["credit-scoring"])

    with pytest.raises(InvalidInput) as refused:
        _answer(request)

    assert refused.value.field == "note"
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "in_progress"


def test_the_reason_read_before_the_answer_says_a_person_reviews(scored):
    request = verified_request(scored, type="object", purposes=["credit-scoring"])

    with translation.override("en"):
        [row] = request_not_covered(request)

    assert "a person at the bank reviews" in row["reason"]


def test_a_restriction_of_it_or_an_objection_to_kyc_is_still_only_refused(scored):
    # Only an objection asks for the review; KYC decides nothing about the customer by automated means.
    for kind, code in (("restrict", "credit-scoring"), ("object", "kyc")):
        request = verified_request(scored, type=kind, purposes=[code])
        with pytest.raises(Conflict) as refused:
            _answer(request, note=REVIEW)
        assert refused.value.code == "nothing_restricted"


def test_an_objection_to_every_purpose_has_the_decision_reviewed_too(scored):
    # Its answer lists scoring among what goes on, saying a person reviews: the review is owed here too.
    request = verified_request(scored, type="object")

    with pytest.raises(InvalidInput) as refused:
        _answer(request)
    assert refused.value.field == "note"

    answered = services.request_complete(actor=STAFF, request_id=request.pk, note=REVIEW)
    assert answered.outcome_note == REVIEW

