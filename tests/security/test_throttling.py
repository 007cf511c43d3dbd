"""API throttling: each token, each signed-in person and each anonymous address has its own budget,
at the rates configured (API_THROTTLE_*), and the 429 is the contract's JSON with a Retry-After.
(Anonymous callers are refused before any throttle, except on the schema, which `anon` limits.)"""
from __future__ import annotations

import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from integrations.api import throttling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/consents/"


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min", "token": "3/min"},
    }


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
    assert set(rates) == {"anon", "user", "token"}
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
