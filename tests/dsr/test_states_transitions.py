"""Every pair of statuses: the move succeeds exactly when the transition table allows it."""

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from core.errors import InvalidTransition
from dsr import services
from dsr.models import DataSubjectRequest, RequestStatusChange
from dsr.states import NEEDS_REASON, OPEN, REQUEST_MACHINE, RequestStatus
from tests.dsr.factories import MONDAY, STAFF, make_request

pytestmark = pytest.mark.django_db
PAIRS = [(old, new) for old in RequestStatus.values for new in RequestStatus.values]


def test_table_covers_every_status_and_terminal_states_go_nowhere():
    assert REQUEST_MACHINE.statuses == set(RequestStatus.values)
    assert REQUEST_MACHINE.terminal == {"completed", "partially_completed", "rejected", "cancelled"}
    assert OPEN.isdisjoint(REQUEST_MACHINE.terminal)


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{o}->{n}" for o, n in PAIRS])
def test_each_transition_is_allowed_or_refused_by_the_table(subject, old, new):
    # A complaint touches no system, so every move can be exercised on its own.
    request = make_request(subject, type="complaint")
    DataSubjectRequest.objects.filter(pk=request.pk).update(
        status=old, identity_verified_at=MONDAY, outcome_reason="other" if old in NEEDS_REASON else ""
    )
    kwargs = {"reason": "other", "note": "Trả lời khiếu nại"} if new in NEEDS_REASON else {"note": "Trả lời"}
    if REQUEST_MACHINE.is_allowed(old, new):
        moved = services.request_transition(
            actor=STAFF, request_id=request.pk, to=new, now=MONDAY + timedelta(hours=1), **kwargs
        )
        assert moved.status == new
        change = RequestStatusChange.objects.filter(request=request).last()
        assert (change.old_status, change.new_status) == (old, new)
        assert AuditEntry.objects.filter(
            action="dsr.request.transitioned", target_id=str(request.pk)
        ).exists()
    else:
        with pytest.raises(InvalidTransition):
            services.request_transition(actor=STAFF, request_id=request.pk, to=new, **kwargs)
        assert DataSubjectRequest.objects.get(pk=request.pk).status == old


def test_refusal_and_partial_answer_need_a_legal_reason(subject):
    from core.errors import InvalidInput

    request = make_request(subject, type="complaint")
    with pytest.raises(InvalidInput) as error:
        services.request_reject(actor=STAFF, request_id=request.pk, reason="")
    assert error.value.field == "reason"
    with pytest.raises(InvalidInput):
        services.request_reject(actor=STAFF, request_id=request.pk, reason="other", note="")
    rejected = services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Trùng"
    )
    assert rejected.outcome_reason == "manifestly_unfounded"
    assert rejected.closed_at is not None
