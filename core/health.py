"""`GET /healthz`: the state of the database and the broker, 503 when either is down; and the read
replica's state and lag when there is one."""
from __future__ import annotations

import os
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from core.replica import replica_state


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "down"


def _check_broker() -> str:
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
            return "ok"
        except redis.RedisError:
            return "down"
    queue_dir = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
    os.makedirs(queue_dir, exist_ok=True)
    return "ok" if os.access(queue_dir, os.W_OK) else "down"


def healthz(request):
    started = time.monotonic()
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(state == "ok" for state in checks.values())
    body = {
        "status": "ok" if healthy else "degraded",
        **checks,
        "broker_kind": "redis" if settings.REDIS_URL else "filesystem",
        "database_kind": connection.vendor,
        # A replica that is down does not make the node unhealthy: its reads fall back to the primary.
        **replica_state(),
        "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)
