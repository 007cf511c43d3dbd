"""The user behind an API token, kept per worker process for a few seconds.

Integration clients call the consent check hundreds of times a second. Loading the user, its
groups and its permissions costs several queries per call, more than the check itself, while roles
and permissions change rarely and only by an operator. So each worker keeps the loaded user (role
and permission set filled in) for `TTL_SECONDS`, keyed by the token's hash: a role change reaches
running workers within that time. The token itself is looked up on every request, so a revoked
token or a deactivated user is refused at once.
"""
from __future__ import annotations

import copy
import threading
import time

from django.contrib.auth import get_user_model

from core.roles import user_role

TTL_SECONDS = 30.0
MAX_ENTRIES = 10_000  # a bound on memory: clients and staff tokens are far fewer
_entries: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def api_user(*, key_hash: str, user_id: int):
    """A private copy of the token's user with role and permissions loaded, or None if inactive."""
    entry = _entries.get(key_hash)
    if entry is not None and time.monotonic() - entry[0] < TTL_SECONDS and entry[1].pk == user_id:
        # A shallow copy per request: concurrent threads must not share one mutable instance.
        return copy.copy(entry[1])
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    user_role(user)  # fills the role cache on the instance
    user.get_all_permissions()  # fills the permission caches on the instance
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key_hash] = (time.monotonic(), user)
    return copy.copy(user)


def forget_all() -> None:
    """Drop every cached user (tests; an operator's immediate role change)."""
    with _lock:
        _entries.clear()
