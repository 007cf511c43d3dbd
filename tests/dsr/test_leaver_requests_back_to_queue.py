"""A staff member who leaves (role removed) or moves to a role that does not work requests (auditor)
gives back the open requests assigned to them: left assigned, they look taken care of in the queue
while nobody can act on them, and the customer's clock runs out. Each return is audited as the
assignment it undoes, by the DPO who changed the role; closed requests keep their history."""
from __future__ import annotations

import pytest

from accounts.services import user_role_set
from audit.models import AuditEntry
from core.actors import actor_for_user
from core.roles import Role
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.states import RequestStatus
from tests.dsr.factories import make_request
from tests.factories import UserFactory, make_subject

pytestmark = pytest.mark.django_db


def _assigned_to(user, dpo):
    request = make_request(make_subject())
    services.request_assign(actor=actor_for_user(dpo), request_id=request.pk, assignee=user)
    return request


@pytest.mark.parametrize("new_role", [None, Role.AUDITOR])
def test_a_leavers_open_requests_go_back_to_the_queue_audited(dpo, new_role):
    leaver = UserFactory(role=Role.OFFICER)
    request = _assigned_to(leaver, dpo)

    user_role_set(actor=actor_for_user(dpo), user=leaver, role=new_role)

    request.refresh_from_db()
    assert request.assignee_id is None
    entries = AuditEntry.objects.filter(action="dsr.request.assigned", target_id=str(request.pk))
    entry = entries.latest("sequence")
    assert entry.actor_user_id == dpo.pk
    assert entry.data == {"from": leaver.pk, "to": None, "role_changed": True}


def test_a_move_to_another_working_role_keeps_the_requests(dpo):
    mover = UserFactory(role=Role.OFFICER)
    request = _assigned_to(mover, dpo)

    user_role_set(actor=actor_for_user(dpo), user=mover, role=Role.PRIVACY)

    request.refresh_from_db()
    assert request.assignee_id == mover.pk


def test_a_closed_request_keeps_who_worked_it(dpo):
    leaver = UserFactory(role=Role.OFFICER)
    request = _assigned_to(leaver, dpo)
    DataSubjectRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CANCELLED)

    user_role_set(actor=actor_for_user(dpo), user=leaver, role=None)

    request.refresh_from_db()
    assert request.assignee_id == leaver.pk


def test_a_leavers_closed_requests_are_still_found_by_their_name(dpo, as_user):
    leaver = UserFactory(role=Role.OFFICER)
    request = _assigned_to(leaver, dpo)
    DataSubjectRequest.objects.filter(pk=request.pk).update(status=RequestStatus.CANCELLED)
    user_role_set(actor=actor_for_user(dpo), user=leaver, role=None)

    answer = as_user(dpo).get("/api/v1/requests/", {"assignee": leaver.pk, "status": "cancelled"})

    assert answer.status_code == 200, answer.content
    assert [row["id"] for row in answer.json()["results"]] == [str(request.pk)]
