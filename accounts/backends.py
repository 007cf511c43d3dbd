"""Password sign-in for people only.

Integration accounts (core banking and other systems) authenticate with scoped API tokens. A
password would give them a browser session on the API with no scopes and no second factor, so
this backend never accepts one for them, and a session that names one resolves to nobody.
"""
from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from core.roles import Role, user_role


class PeopleOnlyModelBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user_role(user) != Role.CLIENT
