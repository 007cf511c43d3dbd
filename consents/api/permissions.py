"""A role check for the consent check that does not re-read roles and permissions on every call.

`RolePermission` costs three queries per request (the user's groups, user and group permissions):
more than the consent check itself. Roles and permissions change rarely and only by an operator, so
this variant keeps each user's role and permission set per worker for `TTL_SECONDS`; a change
reaches the consent check within that time. The token itself is still verified on every request,
so a revoked token stops at once.
"""

from __future__ import annotations

import time

from core.api.permissions import RolePermission
from core.roles import user_role

TTL_SECONDS = 30.0
MAX_USERS = 10_000  # a bound on memory; clients and staff are far fewer
_cache: dict[tuple, tuple[float, object, set[str]]] = {}


class CachedRolePermission(RolePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if user and user.is_authenticated and user.is_active:
            # The join date keeps a recycled primary key (a restored backup, a rolled-back test)
            # from inheriting another account's role.
            key = (user.pk, user.get_username(), user.date_joined)
            entry = _cache.get(key)
            if entry is not None and time.monotonic() - entry[0] < TTL_SECONDS:
                user._role_cache, user._perm_cache = entry[1], entry[2]
            else:
                if len(_cache) >= MAX_USERS:
                    _cache.clear()
                _cache[key] = (time.monotonic(), user_role(user), user.get_all_permissions())
        return super().has_permission(request, view)


def clear() -> None:
    _cache.clear()
