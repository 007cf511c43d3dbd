"""A role granted for a while ends by itself: a contractor's access on the last day of their contract,
a deputy acting as DPO while the DPO is on leave. Nobody has to remember to remove it; the end is
audited as any removal (old role, no role) by the platform, with everything a removal does (tokens,
requests back to the queue)."""
from __future__ import annotations

import logging
from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffProfile
from accounts.services import roles_expire, user_role_set
from accounts.tasks import expire_roles
from audit.models import AuditEntry
from config.celery import app
from core.actors import actor_for_user
from core.errors import InvalidInput
from core.roles import Role, user_role
from tests.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db
VN = timezone.get_fixed_timezone(7 * 60)


def _role(user):
    return user_role(get_user_model().objects.get(pk=user.pk))


def test_a_role_held_until_a_day_ends_after_that_day(dpo):
    contractor = UserFactory(role=Role.OFFICER)
    user_role_set(actor=actor_for_user(dpo), user=contractor, role=Role.OFFICER, until=date(2099, 6, 30))

    assert roles_expire(now=datetime(2099, 6, 30, 23, 59, tzinfo=VN)) == 0
    assert _role(contractor) == Role.OFFICER
    assert roles_expire(now=datetime(2099, 7, 1, 0, 5, tzinfo=VN)) == 1

    assert _role(contractor) is None
    ended = AuditEntry.objects.filter(action="core.user.role_changed").latest("sequence")
    assert ended.actor_user_id is None
    assert ended.data == {"user_id": contractor.pk, "old": "officer", "new": None}
    assert StaffProfile.objects.get(user=contractor).role_until is None
    assert roles_expire(now=datetime(2099, 7, 2, tzinfo=VN)) == 0


def test_the_end_is_audited_and_a_new_change_without_one_clears_it(dpo):
    deputy = UserFactory(role=Role.PRIVACY)
    user_role_set(actor=actor_for_user(dpo), user=deputy, role=Role.DPO, until=date(2099, 8, 15))
    granted = AuditEntry.objects.filter(action="core.user.role_changed").latest("sequence")
    assert granted.data["until"] == "2099-08-15"

    user_role_set(actor=actor_for_user(dpo), user=deputy, role=Role.DPO)

    assert StaffProfile.objects.get(user=deputy).role_until is None
    assert roles_expire(now=datetime(2099, 9, 1, tzinfo=VN)) == 0


def test_an_end_already_past_or_without_a_role_is_refused(dpo):
    officer = UserFactory(role=Role.OFFICER)
    with pytest.raises(InvalidInput):
        user_role_set(actor=actor_for_user(dpo), user=officer, role=Role.OFFICER, until=date(2020, 1, 1))
    with pytest.raises(InvalidInput):
        user_role_set(actor=actor_for_user(dpo), user=officer, role=None, until=date(2099, 1, 1))


def test_the_dpo_sets_the_end_on_the_staff_roles_page_and_sees_it(dpo):
    contractor = UserFactory(username="contractor", role=Role.OFFICER)
    client = signed_in(dpo)

    change = reverse("accounts:user_role", args=[contractor.pk])
    client.post(change, {"role": "officer", "until": "2099-12-31"})

    assert StaffProfile.objects.get(user=contractor).role_until == date(2099, 12, 31)
    assert "31/12/2099" in client.get(reverse("accounts:users")).content.decode()


def test_the_ends_are_swept_every_hour():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert expire_roles.name in scheduled


def test_a_role_the_platform_may_not_end_keeps_and_the_others_still_end(dpo):
    deputy = UserFactory(role=Role.PRIVACY)
    user_role_set(actor=actor_for_user(dpo), user=deputy, role=Role.DPO, until=date(2099, 6, 30))
    user_role_set(actor=actor_for_user(deputy), user=dpo, role=None)  # the deputy is now the only DPO
    contractor = UserFactory(role=Role.OFFICER)
    user_role_set(actor=actor_for_user(deputy), user=contractor, role=Role.OFFICER, until=date(2099, 6, 30))

    assert roles_expire(now=datetime(2099, 7, 1, 0, 5, tzinfo=VN)) == 1

    assert _role(contractor) is None
    assert _role(deputy) == Role.DPO


def test_a_refused_expiry_is_warned_once_a_day_not_every_hour(dpo, caplog):
    """The job runs hourly: the same refusal logged 24 times a day buries the one line that matters."""
    cache.clear()
    deputy = UserFactory(role=Role.PRIVACY)
    user_role_set(actor=actor_for_user(dpo), user=deputy, role=Role.DPO, until=date(2099, 6, 30))
    user_role_set(actor=actor_for_user(deputy), user=dpo, role=None)  # the deputy is now the only DPO

    with caplog.at_level(logging.WARNING, logger="accounts.services"):
        for hour in range(3):
            roles_expire(now=datetime(2099, 7, 1, hour, 5, tzinfo=VN))
        same_day = len([r for r in caplog.records if "did not end" in r.getMessage()])
        roles_expire(now=datetime(2099, 7, 2, 0, 5, tzinfo=VN))
        next_day = len([r for r in caplog.records if "did not end" in r.getMessage()])

    assert (same_day, next_day) == (1, 2)
    assert _role(deputy) == Role.DPO
