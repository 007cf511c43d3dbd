"""Who is calling with an API token: the token and its user, kept per worker process briefly.

Integration clients call the consent check hundreds of times a second. Looking the token up costs a
database round trip, and loading its user with groups and permissions several more, each time more
than the check itself, while tokens and roles change rarely and only by an operator. So each worker
keeps, keyed by the token's hash:

- the token (its user, scopes and expiry) for `settings.API_TOKEN_CACHE_SECONDS` (2 s by default): a
  token revoked or a user deactivated elsewhere is refused by every worker within that time, and at
  once by the process that revoked it (`token_revoke` forgets it on commit). 0 looks it up every call.
  Its expiry is checked on every call, kept or not: a kept token never outlives its last day;
- the user, with role and permissions loaded, for `USER_TTL_SECONDS`: a role change reaches running
  workers within that time.

Unknown keys are never kept: a guessed token costs the guesser a database query every time.
"""

from __future__ import annotations

import copy
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.roles import user_role
from integrations.errors import TokenExpired
from integrations.models import ApiToken
from integrations.selectors import token_by_key_hash

USER_TTL_SECONDS = 30.0
MAX_ENTRIES = 10_000  # a bound on memory: clients and staff tokens are far fewer
_tokens: dict[str, tuple[float, ApiToken]] = {}
_users: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def api_principal(key_hash: str) -> tuple[ApiToken, object] | None:
    """Private copies of a live token and its active user (role and permissions loaded), or None;
    `TokenExpired` for a token past its last day."""
    token = _live_token(key_hash)
    if token is None:
        return None
    if token.expired(timezone.now()):
        raise TokenExpired(token)
    user = api_user(key_hash=key_hash, user_id=token.user_id)
    if user is None:
        return None
    # Copies per request: concurrent threads must not share one mutable instance.
    return copy.copy(token), user


def _live_token(key_hash: str) -> ApiToken | None:
    entry = _tokens.get(key_hash)
    if entry is not None and time.monotonic() - entry[0] < settings.API_TOKEN_CACHE_SECONDS:
        return entry[1]
    token = token_by_key_hash(key_hash)
    if token is None:
        forget(key_hash)
    elif settings.API_TOKEN_CACHE_SECONDS > 0:
        _remember(_tokens, key_hash, token)
    return token


def api_user(*, key_hash: str, user_id: int):
    """A private copy of the token's user with role and permissions loaded, or None if inactive."""
    entry = _users.get(key_hash)
    if entry is not None and time.monotonic() - entry[0] < USER_TTL_SECONDS and entry[1].pk == user_id:
        return copy.copy(entry[1])
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    user_role(user)  # fills the role cache on the instance
    user.get_all_permissions()  # fills the permission caches on the instance
    _remember(_users, key_hash, user)
    return copy.copy(user)


def _remember(entries: dict, key_hash: str, value) -> None:
    with _lock:
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[key_hash] = (time.monotonic(), value)


def forget(key_hash: str) -> None:
    """Drop one token and its user from this process (a revocation takes effect here at once)."""
    with _lock:
        _tokens.pop(key_hash, None)
        _users.pop(key_hash, None)


def forget_many(key_hashes) -> None:
    """Drop these tokens and their users from this process (a role change revoked them)."""
    for key_hash in key_hashes:
        forget(key_hash)


def forget_all() -> None:
    """Drop everything kept (tests; an operator's immediate role change)."""
    with _lock:
        _tokens.clear()
        _users.clear()
