"""Writes on sign-in accounts: staff and client logins in their role group."""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


def user_create(*, username: str, password: str, role, email: str = "") -> Any:
    """Create a login in one role group (used by seeding and operator commands)."""
    User = get_user_model()
    user = User.objects.create_user(username=username, password=password, email=email)
    user.groups.set([Group.objects.get(name=role.value)])
    return user
