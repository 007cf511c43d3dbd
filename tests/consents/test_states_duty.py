"""The withdrawal-duty machine (issue #11): every move through `duty_transition` leaves a history row
and its audit entry; `duty_allowed_actions` says who may acknowledge which duty."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.models import AuditEntry
from consents import services
from consents.models import WithdrawalDuty, WithdrawalDutyStatusChange
from consents.selectors import duty_allowed_actions
from core.actors import actor_for_user
from core.errors import InvalidTransition
from dsr.states import TaskStatus
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import UserFactory, status_moves

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty():
    recipient = make_recipient("Bảo hiểm Đối tác", client=UserFactory(role="integration_client"))
    consent = grant(purpose=make_purpose("partner-sharing", category="sharing", recipients=[recipient]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    return WithdrawalDuty.objects.select_related("recipient__client").get()


def test_acknowledging_writes_a_history_row_and_an_audit_entry(duty):
    now = timezone.now() + timedelta(hours=1)
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter received", now=now)
    assert status_moves(duty) == [("open", "acknowledged", now, STAFF.label)]
    entry = AuditEntry.objects.get(action="consents.duty.acknowledged", target_id=str(duty.pk))
    assert entry.data["late"] is False


def test_a_second_acknowledgement_is_refused_with_409_and_writes_nothing(duty, as_user):
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter received")
    with pytest.raises(InvalidTransition) as refused:
        services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter received")
    assert (refused.value.status, refused.value.code) == (409, "already_acknowledged")
    again = as_user(duty.recipient.client).post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {})
    assert (again.status_code, again.json()["code"]) == (409, "already_acknowledged")
    assert WithdrawalDutyStatusChange.objects.filter(duty=duty).count() == 1
    assert AuditEntry.objects.filter(action="consents.duty.acknowledged").count() == 1


def test_allowed_actions_follow_the_table_and_the_recipient(duty):
    own_client = actor_for_user(duty.recipient.client)
    other_client = actor_for_user(UserFactory(role="integration_client"))
    assert duty_allowed_actions(duty, STAFF) == {"acknowledge"}
    assert duty_allowed_actions(duty, own_client) == {"acknowledge"}
    assert duty_allowed_actions(duty, other_client) == frozenset()
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter received")
    duty.refresh_from_db()
    assert duty_allowed_actions(duty, STAFF) == frozenset()


def test_the_api_lists_what_the_duty_page_offers(duty, as_user, privacy_officer, auditor):
    """Each listed duty and the acknowledgement's answer carry `allowed_actions` from
    `duty_allowed_actions`: empty for a reader, another client's duty and an acknowledged one."""
    own = as_user(duty.recipient.client)
    (listed,) = own.get("/api/v1/withdrawal-duties/").json()["results"]
    page_offers = duty_allowed_actions(duty, actor_for_user(duty.recipient.client))
    assert listed["allowed_actions"] == sorted(page_offers)
    assert listed["allowed_actions"] == ["acknowledge"]
    (staff_view,) = as_user(privacy_officer).get("/api/v1/withdrawal-duties/").json()["results"]
    assert staff_view["allowed_actions"] == ["acknowledge"]
    (read,) = as_user(auditor).get("/api/v1/withdrawal-duties/").json()["results"]
    assert read["allowed_actions"] == []
    (read_only_token,) = as_user(privacy_officer, scopes=["consents:read"]).get(
        "/api/v1/withdrawal-duties/"
    ).json()["results"]
    assert read_only_token["allowed_actions"] == []
    answer = own.post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {"note": "stopped"}, format="json")
    assert answer.status_code == 200 and answer.json()["allowed_actions"] == []


def test_an_open_duty_or_task_reads_as_a_state_in_vietnamese_not_as_the_verb_open():
    """The status and the link that opens a request are both "Open" in English; in Vietnamese the
    status waits ("Đang chờ") and the link opens ("Mở")."""
    with translation.override("vi"):
        assert str(WithdrawalDuty.Status.OPEN.label) == str(TaskStatus.OPEN.label) == "Đang chờ"
        assert gettext("Open") == "Mở"
