"""Lawyer review: an access request that fishes for litigation (staff e-mails, internal notes, other
customers' data) is answered in part. With the reason "a law forbids disclosure" and no note, the
customer read only that label and the DPO's record said nothing of what was withheld or under which
law, so neither could check or defend the withholding. A partial answer for a legal prohibition now needs
the note that says what was withheld and under which law; a refusal under it stays neutral (a note may
itself tip someone off: bank confidentiality, a court's or an investigator's order)."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.errors import InvalidInput
from dsr import services
from dsr.models import FulfilmentTask
from tests.dsr.factories import STAFF, verified_request

pytestmark = pytest.mark.django_db

WITHHELD = "Dữ liệu của khách hàng khác không được cung cấp (bí mật ngân hàng, Nghị định 117/2018 Điều 11)."


def _worked_access(subject):
    request = verified_request(subject, type="access")
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    return request


def test_a_partial_answer_withholding_under_a_law_must_say_what_and_which_law(subject):
    request = _worked_access(subject)
    with pytest.raises(InvalidInput) as refused:
        services.request_complete(
            actor=STAFF, request_id=request.pk, partial=True, reason="legal_prohibition", note="  "
        )
    assert refused.value.field == "note"
    with translation.override("en"):
        assert "what was withheld" in refused.value.text

    answered = services.request_complete(
        actor=STAFF, request_id=request.pk, partial=True, reason="legal_prohibition", note=WITHHELD
    )
    assert answered.status == "partially_completed" and WITHHELD in answered.outcome_note


def test_a_refusal_under_a_law_may_stay_neutral(subject):
    request = verified_request(subject, type="access")
    refused = services.request_reject(actor=STAFF, request_id=request.pk, reason="legal_prohibition")
    assert refused.status == "rejected"
