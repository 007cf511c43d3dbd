"""/healthz shows a stopped beat: the leading beat records each tick (core/heartbeat.py, where its leader
lock is kept: Redis, or a file under var/ without Redis), and /healthz reports "beat": "ok" while the
last tick is at most BEAT_LATE_AFTER_SECONDS old and "late" otherwise, with the tick's age. A late
beat leaves the answer 200: load balancers must not take every web node out because the one beat is
down."""

from __future__ import annotations

import time

import pytest
import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler as _DatabaseScheduler

from core import heartbeat
from core.beat import DatabaseScheduler, FileLeadership, RedisLeadership

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_redis(settings, tmp_path):
    """The embedded default: the file broker and the beat's files under a var/ of the test's own."""
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "queue")}
    return tmp_path


@pytest.fixture
def on_redis(monkeypatch):
    if not settings.REDIS_URL:
        pytest.skip("runs in the Redis run of the suite")
    key = f"qdl:test:beat:heartbeat:{time.monotonic_ns()}"
    monkeypatch.setattr(heartbeat, "HEARTBEAT_KEY", key)
    yield key
    redis.Redis.from_url(settings.REDIS_URL).delete(key)


def _beat(monkeypatch, leadership) -> DatabaseScheduler:
    """A beat with this leader lock whose ticks send nothing (django-celery-beat's part stubbed)."""
    monkeypatch.setattr(_DatabaseScheduler, "tick", lambda self, *a, **k: 300.0)
    beat = object.__new__(DatabaseScheduler)
    beat.leadership = leadership
    return beat


def _health(client) -> dict:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    return body


def test_a_fresh_tick_of_the_leading_beat_is_ok(client, monkeypatch, no_redis):
    _beat(monkeypatch, FileLeadership(no_redis / "beat.lock")).tick()

    body = _health(client)

    assert body["beat"] == "ok"
    assert 0 <= body["beat_tick_age_seconds"] < 5


def test_a_tick_older_than_the_setting_is_late_and_the_answer_stays_200(client, settings, no_redis):
    settings.BEAT_LATE_AFTER_SECONDS = 30
    heartbeat.heartbeat_write(client=None, now=time.time() - 31)

    body = _health(client)

    assert body["beat"] == "late"
    assert 31 <= body["beat_tick_age_seconds"] < 36
    settings.BEAT_LATE_AFTER_SECONDS = 60
    assert _health(client)["beat"] == "ok"


def test_no_beat_ever_ticking_is_late(client, no_redis):
    body = _health(client)

    assert (body["beat"], body["beat_tick_age_seconds"]) == ("late", None)


def test_a_standby_is_no_heartbeat(client, monkeypatch, no_redis):
    leader = FileLeadership(no_redis / "beat.lock")
    assert leader.hold()
    _beat(monkeypatch, FileLeadership(no_redis / "beat.lock")).tick()  # waits: the lock is taken

    assert _health(client)["beat"] == "late"
    leader.release()


def test_on_redis_the_leaders_tick_is_read_by_every_web_node(client, monkeypatch, on_redis):
    key = f"qdl:test:beat:{time.monotonic_ns()}"
    leadership = RedisLeadership(settings.REDIS_URL, key=key)
    _beat(monkeypatch, leadership).tick()
    leadership.release()

    body = _health(client)

    assert body["beat"] == "ok" and 0 <= body["beat_tick_age_seconds"] < 5


def test_on_redis_an_old_tick_is_late(client, settings, on_redis):
    settings.BEAT_LATE_AFTER_SECONDS = 30
    heartbeat.heartbeat_write(client=redis.Redis.from_url(settings.REDIS_URL), now=time.time() - 31)

    body = _health(client)

    assert body["beat"] == "late" and body["beat_tick_age_seconds"] >= 31


def test_with_redis_down_the_beat_is_late_and_the_answer_is_503_for_the_broker(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")

    assert response.status_code == 503
    assert (response.json()["broker"], response.json()["beat"]) == ("down", "late")
