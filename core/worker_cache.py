"""A value each worker process keeps for a few seconds: read on every hot-path call (the consent check),
changed rarely (the purpose catalogue, which recipients a client answers for). The services that change
what it holds drop the copy at once in this process (so the writer's own transaction reads fresh) and
again on commit; other workers see the change within the time-to-live."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import transaction

T = TypeVar("T")


class WorkerCache(Generic[T]):
    def __init__(self, load: Callable[[], T], *, ttl_seconds: float) -> None:
        self._load = load
        # Public: a test measuring queries holds the copy for good (`math.inf`).
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded_at = 0.0

    def get(self) -> T:
        value = self._value
        if value is not None and time.monotonic() - self._loaded_at < self.ttl_seconds:
            return value
        with self._lock:
            self._value, self._loaded_at = self._load(), time.monotonic()
            return self._value

    def invalidate(self) -> None:
        """Drop the copy now and, inside a transaction, again when it commits."""
        self.clear()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self.clear)

    def clear(self) -> None:
        self._value = None
