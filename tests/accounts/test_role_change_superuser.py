"""A superuser (made with `createsuperuser` for an emergency) counts as the DPO and holds every
permission. When the DPO removes that login's role or gives it a narrower one, the change must be
what the audit entry says: otherwise the "removed" DPO still reaches every page."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.services import user_role_set
from audit.models import AuditEntry
from core.actors import actor_for_user
from core.roles import Role, user_role
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("emergency", "it@bank.example", "a-long-password-1")


@pytest.mark.parametrize("new_role", [None, Role.OFFICER])
def test_a_superusers_role_change_takes_effect(dpo, superuser, new_role):
    user_role_set(actor=actor_for_user(dpo), user=superuser, role=new_role)

    reloaded = get_user_model().objects.get(pk=superuser.pk)
    assert user_role(reloaded) == new_role
    assert not reloaded.has_perm("auth.change_user")
    assert signed_in(reloaded).get(reverse("accounts:users")).status_code in (302, 403)
    entry = AuditEntry.objects.get(action="core.user.role_changed")
    assert entry.data == {"user_id": superuser.pk, "old": "dpo", "new": new_role and new_role.value,
                          "superuser_removed": True}
