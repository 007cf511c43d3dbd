"""Roles and what each may do.

Roles are Django groups. Each app declares the permissions its roles get by calling
`grant_permissions` from its AppConfig.ready(), so the whole matrix is assembled in one registry
and applied by `roles_sync()` after every migrate. Least privilege: a role gets only what is named.
"""
from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Front-line officer")
    PRIVACY = "privacy_officer", _("Privacy officer")
    DPO = "dpo", _("Data protection officer")
    AUDITOR = "auditor", _("Auditor")
    CUSTOMER = "customer", _("Customer")
    CLIENT = "integration_client", _("Integration client")


STAFF_ROLES = frozenset({Role.OFFICER, Role.PRIVACY, Role.DPO, Role.AUDITOR})
# The staff roles that are given work (requests, reminders); the auditor only reads. Someone assigned
# work who has since left (no role) or become an auditor cannot act on it: their mail goes to the queue.
WORKING_ROLES = (Role.OFFICER.value, Role.PRIVACY.value, Role.DPO.value)

# Checked in this order so a user put in two groups by mistake gets the narrower reading.
_ROLE_PRECEDENCE = [Role.CUSTOMER, Role.CLIENT, Role.AUDITOR, Role.OFFICER, Role.PRIVACY, Role.DPO]

_role_permissions: dict[str, set[str]] = defaultdict(set)


def grant_permissions(role: Role, *permissions: str) -> None:
    """Declare that `role` holds these "app_label.codename" permissions."""
    _role_permissions[role].update(permissions)


def role_permissions() -> dict[str, frozenset[str]]:
    return {role: frozenset(perms) for role, perms in _role_permissions.items()}


def _role_held(group_names, *, is_superuser: bool) -> Role | None:
    """The role of a user in these groups: the narrowest by `_ROLE_PRECEDENCE`; a superuser in none
    is the DPO."""
    role = next((r for r in _ROLE_PRECEDENCE if r.value in group_names), None)
    if role is None and is_superuser:
        role = Role.DPO
    return role


def user_role(user) -> Role | None:
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    cached = getattr(user, "_role_cache", "unset")
    if cached != "unset":
        return cached
    role = _role_held(set(user.groups.values_list("name", flat=True)), is_superuser=user.is_superuser)
    user._role_cache = role
    return role


def user_roles(user_ids) -> dict[int, Role]:
    """The role of each of these users that holds one, read in one query (as `user_role` reads it)."""
    names: dict[int, set[str]] = defaultdict(set)
    superusers = set()
    users = get_user_model().objects.filter(pk__in=list(user_ids))
    for user_id, is_superuser, name in users.values_list("pk", "is_superuser", "groups__name"):
        names[user_id].update({name} - {None})  # a user in no group has one row, with no name
        if is_superuser:
            superusers.add(user_id)
    roles = {user_id: _role_held(held, is_superuser=user_id in superusers) for user_id, held in names.items()}
    return {user_id: role for user_id, role in roles.items() if role is not None}


def user_has_role(user, *roles: Role) -> bool:
    return user_role(user) in roles


def is_staff_user(user) -> bool:
    return user_role(user) in STAFF_ROLES


def staff_users() -> models.QuerySet:
    """Users in a staff role's group (each once), active or not."""

    return get_user_model().objects.filter(groups__name__in=[role.value for role in STAFF_ROLES]).distinct()


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions declared for it."""
    # post_migrate reaches apps one at a time; make sure every app's permissions exist first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    with transaction.atomic():
        for role in Role:
            group, _created = Group.objects.get_or_create(name=role.value)
            wanted = _role_permissions.get(role, set())
            perms = []
            for dotted in sorted(wanted):
                app_label, codename = dotted.split(".", 1)
                perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            group.permissions.set(perms)
