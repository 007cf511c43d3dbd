"""Writes on sign-in accounts: logins in their role group, the DPO's role changes and unlocks of a
locked sign-in, each audited."""
from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput
from core.roles import STAFF_ROLES, Role, user_role


def user_create(*, actor: Actor, username: str, password: str, role: Role, email: str = "") -> Any:
    """Create a login in one role group (used by seeding and operator commands), audited."""
    User = get_user_model()
    with transaction.atomic(durable=True):
        user = User.objects.create_user(username=username, password=password, email=email)
        user.groups.set([Group.objects.get(name=role.value)])
        audit_record(action="core.user.created", actor=actor, target=user,
                     data={"user_id": user.pk, "role": role.value})
    return user


def user_role_set(*, actor: Actor, user, role: Role | None) -> Any:
    """Grant a staff role (replacing the one held) or, with `role=None`, remove it; audited old → new.

    Only staff roles change here: a customer's role follows their account link, an integration
    account's its tokens. Nobody changes their own role, so the last DPO cannot lock the bank out.
    """
    if role is not None and role not in STAFF_ROLES:
        raise InvalidInput(_("Only staff roles can be granted here."), field="role")
    with transaction.atomic(durable=True):
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        old = user_role(user)
        if old is not None and old not in STAFF_ROLES:
            raise Conflict(_("Customers' and integration accounts' roles are not changed here."))
        if actor.user_id == user.pk:
            raise Conflict(_("You cannot change your own role: ask another DPO."))
        if old == role:
            return user
        user.groups.set([Group.objects.get(name=role.value)] if role is not None else [])
        user._role_cache = role
        audit_record(action="core.user.role_changed", actor=actor, target=user,
                     data={"user_id": user.pk, "old": old.value if old else None,
                           "new": role.value if role else None})
    return user


def sign_in_unlock(*, actor: Actor, username: str) -> int:
    """Clear the failed sign-ins that locked `username` (django-axes), audited; the number cleared."""
    with transaction.atomic(durable=True):
        removed = axes_reset(username=username)
        audit_record(action="core.account.unlocked", actor=actor,
                     data={"username": username, "attempts_cleared": removed})
    return removed
