"""`request_allowed_actions` reads the transition table; the staff page offers exactly those
actions, and completion refuses through the same check as every other move."""

from datetime import timedelta

import pytest

from core.errors import InvalidTransition
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.selectors import request_allowed_actions
from dsr.states import (
    ACTION_MOVES,
    REQUEST_MACHINE,
    TASK_MACHINE,
    RequestStatus,
    TaskStatus,
    actions_on_requesters_authority,
)
from dsr.views.request_page import ACTION_NAMES
from tests.dsr.factories import MONDAY, STAFF, make_request

pytestmark = pytest.mark.django_db


def _at(request, status, **fields):
    DataSubjectRequest.objects.filter(pk=request.pk).update(status=status, **fields)
    return DataSubjectRequest.objects.get(pk=request.pk)


def test_actions_follow_the_table(subject, privacy_officer, customer_a):
    request = make_request(subject, type="complaint")
    now = MONDAY + timedelta(hours=1)
    assert request_allowed_actions(request, privacy_officer, now=now) == {
        "verify",
        "acknowledge",
        "reject",
        "cancel",
        "extend",
    }
    request = _at(request, "in_progress", identity_verified_at=MONDAY)
    assert request_allowed_actions(request, privacy_officer, now=now) == {
        "pause",
        "complete",
        "reject",
        "cancel",
        "extend",
    }
    request = _at(request, "awaiting_customer")
    awaiting = request_allowed_actions(request, privacy_officer, now=now)
    assert awaiting == {"resume", "reject", "cancel", "extend"}
    for status in ("completed", "rejected", "cancelled"):
        closed = _at(request, status, outcome_reason="other" if status == "rejected" else "")
        assert request_allowed_actions(closed, privacy_officer, now=now) == frozenset()
        assert REQUEST_MACHINE.allowed_next(status) == frozenset()
    reopened = _at(request, "received", outcome_reason="")
    assert request_allowed_actions(reopened, customer_a, now=now) == frozenset()


def test_a_deletion_in_progress_awaits_approval(subject, privacy_officer):
    request = _at(make_request(subject, type="delete"), "in_progress", identity_verified_at=MONDAY)
    assert "approve" in request_allowed_actions(request, privacy_officer, now=MONDAY)


def test_completion_is_refused_by_the_shared_move_check(subject):
    request = make_request(subject, type="complaint")
    with pytest.raises(InvalidTransition):
        services.request_transition(actor=STAFF, request_id=request.pk, to="completed", note="x")
    _at(request, "awaiting_customer")
    with pytest.raises(InvalidTransition):
        services.request_transition(actor=STAFF, request_id=request.pk, to="partially_completed", note="x")
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "awaiting_customer"


def test_the_task_table():
    assert TASK_MACHINE.statuses == set(TaskStatus.values)
    assert TASK_MACHINE.terminal == {TaskStatus.DONE, TaskStatus.CALLED_OFF}


def test_the_actions_a_former_guardian_may_not_take_come_from_each_actions_moves():
    """`dsr.states.ACTION_MOVES` names every action the staff page and the customer are offered, each
    with moves of the table; an action it does not name counts as taking the request further, so a new
    one is withheld from a former guardian's request rather than escaping the rule."""
    assert set(ACTION_MOVES) == {*ACTION_NAMES, "reply", "cancel"}
    assert set().union(*ACTION_MOVES.values()) <= set(RequestStatus.values)
    offered = {"reopen", "complete", "resume", "extend", "approve", "lift", "reject", "cancel"}
    assert actions_on_requesters_authority(DataSubjectRequest(), offered) == {"reopen", "complete", "resume"}
    withdrawal_in_force = DataSubjectRequest(type="withdraw", withdrawal_applied_at=MONDAY)
    assert actions_on_requesters_authority(withdrawal_in_force, offered) == {"reopen", "resume"}
