"""Only one beat sends jobs (core/beat.py): a second one waits as a standby and takes over."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler as _DatabaseScheduler

from core.beat import STANDBY_POLL_SECONDS, DatabaseScheduler, FileLeadership, RedisLeadership


def test_a_file_lock_lets_one_beat_lead_until_it_stops(tmp_path):
    first, second = FileLeadership(tmp_path / "beat.lock"), FileLeadership(tmp_path / "beat.lock")
    assert first.hold()
    assert first.hold()
    assert not second.hold()
    first.release()
    assert second.hold()
    assert not first.hold()


def test_a_redis_lease_lets_one_beat_lead_and_a_standby_take_over_when_it_lapses():
    if not settings.REDIS_URL:
        pytest.skip("runs in the Redis run of the suite")
    key = f"qdl:test:beat:{time.monotonic_ns()}"
    first = RedisLeadership(settings.REDIS_URL, key=key, lease_seconds=1)
    second = RedisLeadership(settings.REDIS_URL, key=key, lease_seconds=1)
    assert first.hold()
    assert not second.hold()
    assert first.hold()  # renewed
    time.sleep(1.2)  # the leader stalled past its lease
    assert second.hold()
    assert not first.hold()  # it cannot take the lease back
    second.release()
    assert first.hold()
    first.release()


def test_a_standby_beat_sends_nothing(monkeypatch, tmp_path):
    sent = []
    monkeypatch.setattr(_DatabaseScheduler, "tick", lambda self, *a, **k: sent.append(self) or 300.0)
    leader, standby = object.__new__(DatabaseScheduler), object.__new__(DatabaseScheduler)
    leader.leadership = FileLeadership(tmp_path / "beat.lock")
    standby.leadership = FileLeadership(tmp_path / "beat.lock")

    assert leader.tick() == 20.0  # never sleeps past a third of its lease
    assert standby.tick() == STANDBY_POLL_SECONDS
    assert sent == [leader]


UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_a_beat_whose_redis_is_down_waits_instead_of_crashing(monkeypatch):
    """celery.beat.Service.start() lets any exception from tick() end the process: with Redis down for
    one tick (a restart, a Sentinel fail-over), the leader and every standby would exit, and no sweep,
    reminder, breach record, checkpoint or report would run again until someone restarts them."""
    sent = []
    monkeypatch.setattr(_DatabaseScheduler, "tick", lambda self, *a, **k: sent.append(self) or 300.0)
    beat = object.__new__(DatabaseScheduler)
    beat.leadership = RedisLeadership(UNREACHABLE_REDIS)

    interval = beat.tick()

    assert interval == STANDBY_POLL_SECONDS
    assert sent == []  # without the lease it cannot tell it leads, so it sends nothing


def test_a_beat_stopping_while_redis_is_down_stops_cleanly():
    """Service.start()'s finally calls scheduler.close() -> leadership.release(): it must not raise."""
    RedisLeadership(UNREACHABLE_REDIS).release()
