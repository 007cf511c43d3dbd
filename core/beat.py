"""The beat scheduler: django-celery-beat's DatabaseScheduler, except that a schedule the DPO changed
on the "Reminders and schedules" page survives a beat restart, and that each entry's `expires`
reaches the messages beat sends (upstream drops it when it stores the entry).

Upstream, every start copies `config/celery.py`'s entries over their database rows, which would undo
the DPO's report times. Here an entry whose row is marked as changed by the DPO keeps its row; every
other entry is still written from `config/celery.py`, which stays the one place that declares jobs.

It also holds a leader lock, so that a second beat started by mistake (or as a warm standby on
another machine) sends nothing until the first one stops: with Redis, a key with a 60-second lease
renewed on every tick; without Redis (the single-machine demo), an exclusive lock on a file under
`var/`. A beat that is not the leader polls every few seconds and takes over within one lease after
the leader dies.

The leader records each tick it sends in as its heartbeat (`core.heartbeat`, kept where the lock is),
which `/healthz` reports as `"beat": "ok"` or `"late"`.

A beat that cannot reach Redis (a restart, a Sentinel fail-over) cannot tell whether it leads, so it
sends nothing and asks again at the next poll, and takes the lease back once Redis answers. It does
not stop: celery's beat service ends the process on any error a tick raises, and a beat that stopped
during a Redis restart, leader and standbys alike, would send no sweep or report until restarted.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler as _DatabaseScheduler

from core.heartbeat import HEARTBEAT_FILE_NAME, heartbeat_write

CHANGED_BY_DPO = "Schedule changed by the DPO"

logger = logging.getLogger(__name__)

LEASE_SECONDS = 60
STANDBY_POLL_SECONDS = 5.0
LEADER_KEY = "qdl:beat:leader"
# A Redis that stopped answering (its address black-holed by a fail-over) must not hold a tick past
# the lease: the question fails and the beat waits as a standby instead.
REDIS_TIMEOUT_SECONDS = 5

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
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )
        self.key = key
        self.lease_ms = lease_seconds * 1000
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        self._unreachable = False

    def hold(self) -> bool:
        """True while this beat holds the lease; False when another does, or Redis does not answer."""
        try:
            held = bool(
                self.client.set(self.key, self.token, nx=True, px=self.lease_ms)
                or self.client.eval(_RENEW, 1, self.key, self.token, self.lease_ms)
            )
        except redis.RedisError as error:
            if not self._unreachable:
                logger.warning("Beat cannot reach Redis for its leader lock, sends nothing until it can: %s",
                               error)
            self._unreachable = True
            return False
        if self._unreachable:
            logger.warning("Beat reaches Redis again for its leader lock (leading: %s).", held)
        self._unreachable = False
        return held

    def record_tick(self) -> None:
        """The leader's heartbeat, in Redis beside the lease."""
        heartbeat_write(client=self.client)

    def release(self) -> None:
        """Give the lease up if still ours; without Redis it lapses on its own within one lease."""
        try:
            self.client.eval(_RELEASE, 1, self.key, self.token)
        except redis.RedisError as error:
            logger.warning("Beat could not release its leader lock in Redis (it lapses by itself): %s",
                           error)


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

    def record_tick(self) -> None:
        """The leader's heartbeat, in a file beside the lock (`var/beat.heartbeat`)."""
        heartbeat_write(client=None, path=self.path.with_name(HEARTBEAT_FILE_NAME))

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
        """Send due jobs only while this beat holds the leader lock; a standby just waits. A tick that
        went through is the leader's heartbeat."""
        if not self.leadership.hold():
            return STANDBY_POLL_SECONDS
        interval = super().tick(*args, **kwargs)
        self.leadership.record_tick()
        return min(interval, LEASE_SECONDS / 3)

    def close(self) -> None:
        super().close()
        self.leadership.release()

    def update_from_dict(self, mapping):
        mapping = {name: _stored_entry(entry) for name, entry in mapping.items()}
        kept = set()
        for task in PeriodicTask.objects.filter(name__in=list(mapping), description=CHANGED_BY_DPO):
            kept.add(task.name)
            # The DPO's time stays; the expiry is config/celery.py's (rows changed before it was stored
            # have none).
            expiry = mapping[task.name]["options"].get("expire_seconds")
            if task.expire_seconds != expiry:
                task.expire_seconds = expiry
                task.save(update_fields=["expire_seconds"])
        super().update_from_dict({name: entry for name, entry in mapping.items() if name not in kept})


def _stored_entry(entry: dict) -> dict:
    """A `beat_schedule` entry as django-celery-beat can store it: its PeriodicTask rows keep an expiry
    only as `expire_seconds` and silently drop Celery's `expires` option (seconds from sending)."""
    options = dict(entry.get("options") or {})
    if isinstance(options.get("expires"), int | float):
        options["expire_seconds"] = int(options.pop("expires"))
    return {**entry, "options": options}
