"""Once a system has confirmed erasing part of the customer's data for a deletion request, the request
can no longer be refused or cancelled (the customer would read "refused" or "cancelled" about data
already gone): only an answer, in full or in part, remains, and the page offers only that."""

from __future__ import annotations

import pytest

from core.actors import actor_for_user
from core.errors import Conflict
from dsr import services
from dsr.models import DeletionRecord, FulfilmentTask
from dsr.selectors import request_allowed_actions
from dsr.services.moves import move_check
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def erasure_started(subject, privacy_officer):
    make_inventory()
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="delete", actor=worker)
    marketing = FulfilmentTask.objects.get(request=request, system__code="marketing")
    services.task_complete(actor=worker, task_id=marketing.pk, note="erased the marketing profile")
    assert DeletionRecord.objects.filter(request=request).exists()
    return request, worker


@pytest.mark.parametrize("end", ["reject", "cancel"])
def test_a_deletion_a_system_has_carried_out_cannot_end_unanswered(erasure_started, end):
    request, worker = erasure_started
    with pytest.raises(Conflict) as refused:
        if end == "reject":
            services.request_reject(
                actor=worker, request_id=request.pk, reason="manifestly_unfounded", note="Trùng"
            )
        else:
            services.request_cancel(actor=worker, request_id=request.pk)
    assert refused.value.code == "erasure_started"
    request.refresh_from_db()
    assert request.status == "in_progress"


def test_the_page_offers_no_refusal_once_erasure_started(erasure_started, privacy_officer):
    request, _worker = erasure_started
    request.refresh_from_db()
    assert "reject" not in request_allowed_actions(request, privacy_officer)


def test_a_deletion_no_system_has_carried_out_may_still_be_refused(subject, privacy_officer):
    make_inventory()
    request = verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    assert "reject" in request_allowed_actions(request, privacy_officer)


def test_the_api_answers_409_with_the_reason(erasure_started, as_user, privacy_officer):
    request, _worker = erasure_started
    answer = as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/reject/",
        {"reason": "manifestly_unfounded", "note": "duplicate"},
        format="json",
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "erasure_started"


@pytest.mark.parametrize("to", ["rejected", "cancelled"])
def test_refusing_or_cancelling_asks_once_whether_the_erasure_started(
    erasure_started, to, django_assert_num_queries
):
    request, _worker = erasure_started
    request.refresh_from_db()
    with django_assert_num_queries(1), pytest.raises(Conflict) as refused:
        move_check(request, to=to)
    assert refused.value.code == "erasure_started"
