"""API throttling: a budget per token, per signed-in person and per anonymous address.

Rates are `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (from API_THROTTLE_* in the environment), read
at each request so an operator's or a test's change applies at once. Counts live in the `throttle`
cache: Redis when configured, so every web worker shares them; per process on the embedded default.
A caller over budget gets 429 `{"detail": ...}` with `Retry-After` (DRF's `Throttled`).
The OAuth token and revocation endpoints use `FailureRateThrottle`: a budget of failed client
authentications (authorisations/oauth_views.py).

Each budget is a counter per fixed window (a minute for "/min"), not DRF's default history of every
request's time: that history is read, unpickled, extended, pickled and written back on every call,
two round trips and a list of up to 1,200 floats for a busy token, which cost more than the consent
check it guarded (bench/consent_check_profile.py). The counter is one Redis command, a script that
increments it and gives a new window's key its expiry: one request and one reply, where an INCR and
an EXPIRE pipelined cost twice redis-py's command handling. A caller may pass up to twice its rate
across a window's edge; for a budget against runaway clients that is acceptable.

On Redis, a worker process takes its calls from the shared counter in leases of a hundredth of the
rate (at most 20: twelve at the default 1,200 a minute) and spends them locally, so a busy token costs
one round trip per lease instead of one per call; the round trip was the largest part of a consent
check (bench/consent_check_profile.py). Workers together never pass the budget; what a worker holds
unused when the window ends is lost, so a caller spread over N workers may be refused up to N × (lease
- 1) calls early. Once Redis says a window is spent, the worker refuses the rest of it without asking.

When the counter store cannot be reached (Redis down, or silent past its socket timeout), calls go
through unthrottled: the budget guards against runaway clients, and refusing every consent check and
withdrawal because Redis is away would be a worse outage than the one it guards against. The process
then leaves Redis alone for UNREACHABLE_PAUSE_SECONDS (each try could cost a timeout) and logs one
warning per pause.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from integrations.models import ApiToken

# The key expires with its window; only its first count sets the expiry, so the call stays atomic.
# ARGV: the window's length in seconds, how many calls to count.
_COUNT_IN_WINDOW = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
logger = logging.getLogger(__name__)
_COUNT_IN_WINDOW_SHA = hashlib.sha1(_COUNT_IN_WINDOW.encode()).hexdigest()  # noqa: S324 (Redis names scripts so)


@functools.lru_cache(maxsize=8)
def _client(pool) -> redis.Redis:
    # One client per connection pool: Django's `get_client` builds a new one on every call, which
    # cost a tenth of a consent check (bench/consent_check_profile.py). Clients are thread-safe.
    return redis.Redis(connection_pool=pool)


def _count_in_window(client: redis.Redis, key: str, window_seconds: int, calls: int) -> int:
    # By digest (EVALSHA): redis-py's `Script` wrapper costs as much as the round trip itself.
    try:
        return client.evalsha(_COUNT_IN_WINDOW_SHA, 1, key, window_seconds, calls)
    except redis.exceptions.NoScriptError:  # a restarted or flushed Redis: EVAL loads it again
        return client.eval(_COUNT_IN_WINDOW, 1, key, window_seconds, calls)


def window_count(cache, key: str, *, window_seconds: int, calls: int = 1) -> int:
    """Count `calls` more in `key`'s current window and return the count (one round trip on Redis)."""
    if isinstance(cache, RedisCache):
        cache_key = cache.make_and_validate_key(key)
        # Django's Redis backend has no atomic "increment or create"; a script does.
        client = _client(cache._cache._get_connection_pool(write=True))
        return _count_in_window(client, cache_key, window_seconds, calls)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key, calls)
    except ValueError:  # expired between add and incr
        cache.set(key, calls, timeout=window_seconds)
        return calls


LEASE_SHARE = 100  # a lease is this fraction of the rate...
MAX_LEASE = 20  # ...and never more calls than this


class _Leases:
    """The calls this process has counted in Redis and not yet spent, per budget, for one window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple, tuple[int, int]] = {}  # budget -> (window, calls left; -1: spent)

    def spend(self, budget: tuple, window: int) -> bool | None:
        """True if a held call was spent, False if the window is known spent, None to ask Redis."""
        with self._lock:
            held_window, left = self._held.get(budget, (None, 0))
            if held_window != window or left == 0:
                return None
            if left < 0:
                return False
            self._held[budget] = (window, left - 1)
            return True

    def hold(self, budget: tuple, window: int, calls: int) -> None:
        """Keep `calls` more for `window` (a negative number: the window is spent)."""
        with self._lock:
            held_window, left = self._held.get(budget, (None, 0))
            if held_window == window and left > 0 and calls >= 0:
                calls += left
            elif len(self._held) >= 10_000:  # windows end; a bound on what old ones can hold
                self._held.clear()
            self._held[budget] = (window, calls)


_leases = _Leases()

UNREACHABLE_PAUSE_SECONDS = 10.0  # how long a process lets calls through before asking Redis again


class _CounterStore:
    """Whether to ask the shared counter store now: not for a while after it could not be reached."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def unreachable(self, error: Exception) -> None:
        with self._lock:
            if self.paused():
                return
            self._paused_until = time.monotonic() + UNREACHABLE_PAUSE_SECONDS
        # The error's class only: its text may carry the server's address, never a caller's data.
        logger.warning(
            "API throttle counters unreachable; calls pass unthrottled for a while",
            extra={"error": type(error).__name__, "pause_seconds": UNREACHABLE_PAUSE_SECONDS},
        )


_counter_store = _CounterStore()


def take_call(cache, key: str, *, window: int, window_seconds: int, rate: int) -> bool:
    """Whether one more call fits `key`'s budget of `rate` calls in `window` (True, unthrottled, when
    the counter store cannot be reached)."""
    return _unless_unreachable(
        lambda: _take_call(cache, key, window=window, window_seconds=window_seconds, rate=rate), True
    )


def _unless_unreachable(count, otherwise):
    """`count()`'s answer, or `otherwise` (letting calls through) while the counter store is away."""
    if _counter_store.paused():
        return otherwise
    try:
        return count()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
        _counter_store.unreachable(error)
        return otherwise


def _take_call(cache, key: str, *, window: int, window_seconds: int, rate: int) -> bool:
    if not isinstance(cache, RedisCache):  # a counter in this process: no round trip to save
        return window_count(cache, f"{key}:{window}", window_seconds=window_seconds) <= rate
    budget = (tuple(cache._servers), cache.key_prefix, key)
    spent = _leases.spend(budget, window)
    if spent is not None:
        return spent
    lease = max(1, min(rate // LEASE_SHARE, MAX_LEASE))
    count = window_count(cache, f"{key}:{window}", window_seconds=window_seconds, calls=lease)
    granted = min(lease, rate - (count - lease))
    _leases.hold(budget, window, granted - 1 if granted > 0 else -1)
    return granted > 0


class ConfiguredRateThrottle(SimpleRateThrottle):
    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.retry_after = max(1, int((window + 1) * self.duration - now + 0.999))
        return take_call(
            self.cache, key, window=window, window_seconds=self.duration, rate=self.num_requests
        )

    def wait(self) -> float:
        return self.retry_after


class TokenRateThrottle(ConfiguredRateThrottle):
    """Each API token on its own: one busy integration does not starve another."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(ConfiguredRateThrottle):
    """Each person signed in with a browser session (staff, customers)."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated or request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousRateThrottle(ConfiguredRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class FailureRateThrottle(ConfiguredRateThrottle):
    """A budget of failures rather than calls: `allow_request` only reads whether `key`'s failures in
    this window reached the rate, so a caller is refused before the costly work that may fail again (a
    client secret's hashing), and `failure_count` counts one after that work failed. A caller that
    never fails is never refused. Counts are exact (no leases: failures are few), and pass unthrottled
    when the counter store cannot be reached, as every budget here does."""

    def allow_request(self, request, view) -> bool:
        key = self._key(request, view)
        if key is None:
            return True
        failures = _unless_unreachable(lambda: self._window_count(key, calls=0), 0)
        return failures < self.num_requests

    def failure_count(self, request, view) -> None:
        key = self._key(request, view)
        if key is not None:
            _unless_unreachable(lambda: self._window_count(key, calls=1), 0)

    def _key(self, request, view) -> str | None:
        if self.rate is None:
            return None
        now = self.timer()
        self.window = int(now // self.duration)
        self.retry_after = max(1, int((self.window + 1) * self.duration - now + 0.999))
        return self.get_cache_key(request, view)

    def _window_count(self, key: str, *, calls: int) -> int:
        return window_count(self.cache, f"{key}:{self.window}", window_seconds=self.duration, calls=calls)
