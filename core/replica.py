"""Reads a streaming replica may serve (with DATABASE_REPLICA_URL set), and the router that sends them.

Nothing goes to the replica unless the code says so: `with replica_reads():` around what reports,
exports, the audit list, dashboards and the processing record read. Everything else stays on the
primary: the consent check (a replica lags, and a withdrawal must be refused by the very next
check), every write, and every read inside a transaction on the primary (a read that decides a
write). Without a replica, or while it cannot be reached, the same reads go to the primary: the
pages keep working, a little slower, and `/healthz` shows the replica's state.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"

_reads_on_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)
# Per process: after a failed probe the replica is left alone for REPLICA_RETRY_SECONDS, so that a
# stopped replica costs one refused connection per worker and interval, not one per page.
_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _replica_reachable() -> bool:
    global _down_until
    if time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.ensure_connection()
        if replica.is_usable():
            return True
    except DatabaseError:
        pass
    try:
        replica.close()
    except DatabaseError:
        pass  # already gone with its server
    _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    return False


@contextmanager
def replica_reads() -> Iterator[bool]:
    """Send the reads made inside to the replica when there is one and it answers; yields whether."""
    on_replica = replica_configured() and _replica_reachable()
    token = _reads_on_replica.set(on_replica)
    try:
        yield on_replica
    finally:
        _reads_on_replica.reset(token)


def replica_state() -> dict:
    """For /healthz: "off" (none configured), "ok" with its replay lag in seconds, or "down"."""
    if not replica_configured():
        return {"replica": "off"}
    try:
        with connections[REPLICA].cursor() as cursor:
            # Caught up (received = replayed) means no lag, however long ago the last write was.
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
            )
            lag = cursor.fetchone()[0]
    except DatabaseError:
        return {"replica": "down"}
    return {"replica": "ok", "replica_lag_seconds": None if lag is None else round(float(lag), 3)}


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica; nothing else does, and nothing migrates it."""

    def db_for_read(self, model, **hints):
        if _reads_on_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
