"""Password sign-in for people who hold a role.

Integration accounts (core banking and other systems) authenticate with scoped API tokens. A
password would give them a browser session on the API with no scopes and no second factor, so
this backend never accepts one for them, and a session that names one resolves to nobody.

A login without a role (a staff member who left: the DPO removed their role) reaches nothing, so it
does not sign in either: a sign-in would count in the sign-in log and move the last sign-in an
access review reads, and a session it still has resolves to nobody from its next request. Given a
role back, it signs in again.
"""
from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from core.roles import Role, user_role


class PeopleOnlyModelBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        role = user_role(user)
        return super().user_can_authenticate(user) and role is not None and role != Role.CLIENT
