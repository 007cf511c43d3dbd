"""`GET /healthz`: the state of the database and the broker, 503 when either is down; the read
replica's state and lag when there is one; and whether the beat is ticking.

Only the database and the broker decide the status code, which load balancers act on: a node that
cannot reach them cannot serve. A replica that is down or a beat that stopped is reported and leaves
the answer 200: every node shares them, so a load balancer would take every node out at once and turn a
slowdown, or jobs running late, into an outage. Monitoring alerts on `"beat": "late"` instead
(docs/operations.md, "Processes")."""
from __future__ import annotations

import os
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from core.heartbeat import beat_state, heartbeat_read
from core.replica import replica_state


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "down"


def _check_broker(client: redis.Redis | None) -> str:
    if client is not None:
        try:
            client.ping()
            return "ok"
        except redis.RedisError:
            return "down"
    queue_dir = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    os.makedirs(queue_dir, exist_ok=True)
    return "ok" if os.access(queue_dir, os.W_OK) else "down"


def healthz(request):
    started = time.monotonic()
    client = (
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        if settings.REDIS_URL
        else None
    )
    checks = {"database": _check_database(), "broker": _check_broker(client)}
    healthy = all(state == "ok" for state in checks.values())
    # A Redis that did not answer the ping would only make the heartbeat's read wait as long again.
    last_tick = heartbeat_read(client=client) if client is None or checks["broker"] == "ok" else None
    body = {
        "status": "ok" if healthy else "degraded",
        **checks,
        "broker_kind": "redis" if settings.REDIS_URL else "filesystem",
        "database_kind": connection.vendor,
        **replica_state(),
        **beat_state(last_tick=last_tick),
        "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)
