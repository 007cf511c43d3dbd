"""The beat's heartbeat: the beat that leads (`core.beat`) records the time of each tick it sends in,
and `/healthz` reports how long ago the last one was, so that a beat that stopped (crashed, never
started, or stuck without its leader lock) shows before the missing reminders, breaches and reports do.

It is kept where the leader lock is kept: a key in Redis beside the lease when `REDIS_URL` is set, which
every web node reads; otherwise (the single-machine embedded default) a file under `var/`, beside the
lock file. The time is the wall clock's (seconds since the epoch), as the beat and the web nodes may
be different machines; their clocks are kept in step far closer than `BEAT_LATE_AFTER_SECONDS`.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "qdl:beat:heartbeat"
HEARTBEAT_FILE_NAME = "beat.heartbeat"


def heartbeat_file() -> Path:
    return Path(settings.VAR_DIR) / HEARTBEAT_FILE_NAME


def heartbeat_write(
    *, client: redis.Redis | None, path: Path | None = None, now: float | None = None
) -> None:
    """Record a tick at `now`: in Redis through `client`, or without Redis in the file `path`
    (`heartbeat_file()` when not given). Never raises: a beat must not stop because its heartbeat could
    not be written (it then shows as late)."""
    now = time.time() if now is None else now
    try:
        if client is not None:
            client.set(HEARTBEAT_KEY, repr(now))
        else:
            path = path or heartbeat_file()
            scratch = path.with_name(f"{path.name}.{os.getpid()}")
            scratch.write_text(repr(now))
            os.replace(scratch, path)  # a reader never sees half a number
    except (redis.RedisError, OSError) as error:
        logger.warning("Beat could not record its heartbeat: %s", error)


def heartbeat_read(*, client: redis.Redis | None) -> float | None:
    """The time of the last tick recorded, or None: none recorded, or Redis not answering."""
    try:
        value = client.get(HEARTBEAT_KEY) if client is not None else heartbeat_file().read_text()
    except (redis.RedisError, OSError):
        return None
    try:
        return float(value) if value else None
    except ValueError:
        return None


def beat_state(*, last_tick: float | None, now: float | None = None) -> dict:
    """For /healthz: "ok" while the last tick is at most `BEAT_LATE_AFTER_SECONDS` old, else "late"
    (also when no tick is known), with the tick's age in seconds (None when no tick is known)."""
    now = time.time() if now is None else now
    age = None if last_tick is None else round(max(now - last_tick, 0.0), 1)
    late = age is None or age > settings.BEAT_LATE_AFTER_SECONDS
    return {"beat": "late" if late else "ok", "beat_tick_age_seconds": age}
