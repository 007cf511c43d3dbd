"""API throttling: each token, each signed-in person and each anonymous address has its own budget,
at the rates configured (API_THROTTLE_*), and the 429 is the contract's JSON with a Retry-After.
(Anonymous callers are refused before any throttle, except on the schema, which `anon` limits.)"""
from __future__ import annotations

import multiprocessing
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from integrations.api import throttling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/consents/"


MIDDLE_OF_A_WINDOW = 60 * 29_000_000 + 30.0


@pytest.fixture
def rates(settings, monkeypatch):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min", "token": "3/min"},
    }
    # Calls that straddled a minute's edge (a slow, loaded machine) fell in two windows: the fourth was
    # let through and the test failed now and then.
    monkeypatch.setattr(throttling.ConfiguredRateThrottle, "timer", staticmethod(lambda: MIDDLE_OF_A_WINDOW))


def _statuses(client, n):
    return [client.get(URL).status_code for _ in range(n)]


def test_each_token_has_its_own_budget(rates, as_user, client_user):
    first = as_user(client_user, scopes=["consents:read"])
    second = as_user(client_user, scopes=["consents:read"])

    assert _statuses(first, 4) == [200, 200, 200, 429]
    assert second.get(URL).status_code == 200


def test_each_signed_in_person_has_a_budget(rates, client, customer_a):
    client.force_login(customer_a)

    assert _statuses(client, 4) == [200, 200, 200, 429]
    client.force_login(UserFactory(role="officer"))
    assert client.get(URL).status_code == 200


def test_the_429_is_json_a_person_can_read_with_retry_after(rates, as_user, client_user):
    caller = as_user(client_user, scopes=["consents:read"])
    _statuses(caller, 3)

    response = caller.get(URL, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert "throttled" in response.json()["detail"].lower()
    assert int(response["Retry-After"]) > 0


def test_the_default_rates_come_from_the_settings(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"anon", "user", "token", "oauth_client", "oauth_address"}
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]


def test_budgets_count_in_redis_with_one_counter_per_window(rates, settings, as_user, client_user):
    if not settings.REDIS_URL:
        pytest.skip("runs in the Redis run of the suite")
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        },
    }
    caller = as_user(client_user, scopes=["consents:read"])

    assert _statuses(caller, 4) == [200, 200, 200, 429]
    assert 0 < int(caller.get(URL)["Retry-After"]) <= 60


def test_a_window_counter_expires_with_its_window_even_when_redis_lacks_the_script(settings, monkeypatch):
    if not settings.REDIS_URL:
        pytest.skip("runs in the Redis run of the suite")
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}"})
    # As after a Redis restart: the digest names no loaded script, so the first call loads it.
    monkeypatch.setattr(throttling, "_COUNT_IN_WINDOW_SHA", "0" * 40)

    counts = [throttling.window_count(cache, "token:1:7", window_seconds=60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert 0 < cache._cache.get_client().ttl(cache.make_key("token:1:7")) <= 60


@pytest.fixture
def redis_budget(settings):
    """A Redis counter store of this test's own, as the web workers share in production."""
    if not settings.REDIS_URL:
        pytest.skip("runs in the Redis run of the suite")
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}"})


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Every counting command the throttle sends to Redis, by name."""
    sent = []
    for command in ("eval", "evalsha"):
        original = getattr(redis.Redis, command)

        def counted(self, *args, _original=original, _command=command, **kwargs):
            sent.append(_command)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(redis.Redis, command, counted)
    return sent


def _throttle(scope, rate, cache):
    class Throttle(throttling.ConfiguredRateThrottle):
        def get_rate(self):
            return rate

        def get_cache_key(self, request, view):
            return f"{scope}:busy"

        @staticmethod
        def timer():  # the middle of one window: a test must not straddle two
            return MIDDLE_OF_A_WINDOW

    Throttle.scope = scope
    Throttle.cache = cache
    return Throttle()


def test_a_busy_token_costs_one_redis_round_trip_per_lease_not_per_call(redis_budget, redis_round_trips):
    # 1,200 a minute: each worker takes its calls from Redis twelve at a time (a hundredth of the rate).
    throttle = _throttle("token", "1200/min", redis_budget)

    allowed = [throttle.allow_request(None, None) for _ in range(36)]

    assert all(allowed)
    assert len(redis_round_trips) == 3


def test_once_the_budget_is_spent_refusals_cost_no_round_trip(redis_budget, redis_round_trips):
    throttle = _throttle("token", "3/min", redis_budget)
    assert [throttle.allow_request(None, None) for _ in range(4)] == [True, True, True, False]
    sent = len(redis_round_trips)

    assert not any(throttle.allow_request(None, None) for _ in range(50))
    assert len(redis_round_trips) == sent


def test_workers_sharing_a_budget_never_pass_it_together(redis_budget):
    """Four worker processes call at once as fast as they can: together they get the budget, less at
    most what each holds unused in its last lease, and never more."""
    rate, workers = 599, 4  # leases of 5: the last one crosses the budget
    lease = rate // 100
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(workers), context.Queue()
    processes = [
        # Daemons with a bounded wait: a worker that fails fails the test, it cannot hang the run.
        context.Process(
            target=_calls_allowed_in_one_worker, args=(redis_budget, rate, start, results), daemon=True
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    allowed = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join()

    assert rate - workers * (lease - 1) <= sum(allowed) <= rate


def _calls_allowed_in_one_worker(cache, rate, start, results) -> None:
    throttle = _throttle("token", f"{rate}/min", cache)
    start.wait(timeout=30)
    results.put(sum(throttle.allow_request(None, None) for _ in range(rate)))
