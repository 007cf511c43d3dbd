"""Reads on sign-in accounts."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core.roles import STAFF_ROLES


def role_managed_users() -> QuerySet:
    """Logins whose role the DPO manages: staff, and logins left without any role (active or not)."""
    staff_groups = [role.value for role in STAFF_ROLES]
    return (
        get_user_model().objects.filter(Q(groups__name__in=staff_groups) | Q(groups__isnull=True))
        .distinct().order_by("username")
    )
