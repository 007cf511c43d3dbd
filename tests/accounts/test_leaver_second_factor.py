"""A leaver's authenticator goes with their role: the phone they take away (or hand back to the branch
for the next person) no longer opens the login if the role is ever given back; they set one up
again. Removal is recorded on the role change's audit entry."""
from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import user_role_set
from audit.models import AuditEntry
from core.actors import actor_for_user
from core.roles import Role
from tests.factories import UserFactory, make_totp_device

pytestmark = pytest.mark.django_db


def test_removing_the_role_removes_the_authenticator(dpo):
    leaver = UserFactory(role=Role.OFFICER)
    make_totp_device(leaver)

    user_role_set(actor=actor_for_user(dpo), user=leaver, role=None)

    assert not TOTPDevice.objects.filter(user=leaver).exists()
    entry = AuditEntry.objects.get(action="core.user.role_changed")
    assert entry.data == {"user_id": leaver.pk, "old": "officer", "new": None, "devices_removed": 1}


def test_a_move_keeps_the_authenticator(dpo):
    mover = UserFactory(role=Role.OFFICER)
    make_totp_device(mover)

    user_role_set(actor=actor_for_user(dpo), user=mover, role=Role.DPO)

    assert TOTPDevice.objects.filter(user=mover, confirmed=True).exists()
