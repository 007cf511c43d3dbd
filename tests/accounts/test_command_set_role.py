"""`manage.py set_role`: the bank's IT administrator acts on HR's leaver and mover list from a
terminal, and the only DPO's leaving (nobody else can open Portal → Staff roles) is handled without a
Django shell: each change goes through the same service as the page, audited by the platform."""
from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.models import StaffProfile
from audit.models import AuditEntry
from core.roles import Role, user_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _role(user):
    return user_role(get_user_model().objects.get(pk=user.pk))


def test_the_only_dpo_who_left_loses_the_role_audited_once_a_new_dpo_has_it():
    dpo = UserFactory(username="old.dpo", role=Role.DPO)
    UserFactory(username="new.dpo", role=Role.DPO)

    call_command("set_role", "old.dpo", "--none", stdout=StringIO())

    assert _role(dpo) is None
    entry = AuditEntry.objects.get(action="core.user.role_changed")
    assert entry.actor_user_id is None
    assert entry.data == {"user_id": dpo.pk, "old": "dpo", "new": None}


def test_a_deputy_is_made_dpo_until_a_day():
    deputy = UserFactory(username="deputy", role=Role.PRIVACY)

    call_command("set_role", "deputy", "--role", "dpo", "--until", "2099-08-15", stdout=StringIO())

    assert _role(deputy) == Role.DPO
    assert StaffProfile.objects.get(user=deputy).role_until == date(2099, 8, 15)


@pytest.mark.parametrize("args", [
    ("nobody", "--none"),
    ("deputy", "--role", "dpo", "--until", "15/08/2099"),
    ("deputy", "--none", "--until", "2099-08-15"),
])
def test_what_cannot_be_done_is_said_and_changes_nothing(args):
    UserFactory(username="deputy", role=Role.PRIVACY)

    with pytest.raises(CommandError):
        call_command("set_role", *args, stdout=StringIO())

    assert not AuditEntry.objects.filter(action="core.user.role_changed").exists()


@pytest.mark.parametrize("args", [("--none",), ("--role", "auditor")])
def test_the_last_dpo_is_not_removed_and_the_administrator_is_told_why(args):
    dpo = UserFactory(username="old.dpo", role=Role.DPO)
    UserFactory(username="gone.dpo", role=Role.DPO, is_active=False)

    with translation.override("en"), pytest.raises(CommandError, match="old.dpo is the only DPO"):
        call_command("set_role", "old.dpo", *args, stdout=StringIO())

    assert _role(dpo) == Role.DPO
    assert not AuditEntry.objects.filter(action="core.user.role_changed").exists()
