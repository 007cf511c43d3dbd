"""The beat scheduler: django-celery-beat's DatabaseScheduler, except that a schedule the DPO changed
on the "Reminders and schedules" page survives a beat restart.

Upstream, every start copies `config/celery.py`'s entries over their database rows, which would undo
the DPO's report times. Here an entry whose row is marked as changed by the DPO keeps its row; every
other entry is still written from `config/celery.py`, which stays the one place that declares jobs.

It also holds a leader lock, so that a second beat started by mistake (or as a warm standby on
another machine) sends nothing until the first one stops: with Redis, a key with a 60-second lease
renewed on every tick; without Redis (the single-machine demo), an exclusive lock on a file under
`var/`. A beat that is not the leader polls every few seconds and takes over within one lease after
the leader dies.
"""

from __future__ import annotations

import fcntl
import os
import socket
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler as _DatabaseScheduler

CHANGED_BY_DPO = "Schedule changed by the DPO"


LEASE_SECONDS = 60
STANDBY_POLL_SECONDS = 5.0
LEADER_KEY = "qdl:beat:leader"

# Renew the lease only if it is still ours: a beat that stalled past its lease must not take it back
# from the one that took over.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisLeadership:
    """A lease on one Redis key: `hold()` takes it when free and renews it when ours."""

    def __init__(self, url: str, *, key: str = LEADER_KEY, lease_seconds: int = LEASE_SECONDS):
        self.client = redis.Redis.from_url(url)
        self.key = key
        self.lease_ms = lease_seconds * 1000
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"

    def hold(self) -> bool:
        if self.client.set(self.key, self.token, nx=True, px=self.lease_ms):
            return True
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.lease_ms))

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, self.key, self.token)


class FileLeadership:
    """An exclusive lock on a file, for one machine without Redis; the kernel frees it on exit."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = None

    def hold(self) -> bool:
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def beat_leadership() -> RedisLeadership | FileLeadership:
    if settings.REDIS_URL:
        return RedisLeadership(settings.REDIS_URL)
    return FileLeadership(Path(settings.VAR_DIR) / "beat.lock")


class DatabaseScheduler(_DatabaseScheduler):
    def __init__(self, *args, **kwargs):
        self.leadership = beat_leadership()
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs) -> float:
        """Send due jobs only while this beat holds the leader lock; a standby just waits."""
        if not self.leadership.hold():
            return STANDBY_POLL_SECONDS
        return min(super().tick(*args, **kwargs), LEASE_SECONDS / 3)

    def close(self) -> None:
        super().close()
        self.leadership.release()

    def update_from_dict(self, mapping):
        kept = set(
            PeriodicTask.objects.filter(name__in=list(mapping), description=CHANGED_BY_DPO).values_list(
                "name", flat=True
            )
        )
        super().update_from_dict({name: entry for name, entry in mapping.items() if name not in kept})
