"""A small in-process cache of the purpose catalogue for the consent check.

The check runs before every marketing send and card transaction, so it must not re-read purposes
and notice versions each time. The catalogue is tiny and changes rarely (a DPO edits it), so each
worker keeps a copy for `TTL_SECONDS`; the services that change it drop the copy at once in this
process and again on commit. Other workers see a change within `TTL_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from consents.models import NoticeVersion, Purpose

TTL_SECONDS = 5.0


@dataclass(frozen=True)
class NoticeEntry:
    id: int
    version: str
    effective_at: datetime
    material: bool
    # The purpose's legal basis under this version (its `scope`).
    legal_basis: str


@dataclass(frozen=True)
class PurposeEntry:
    id: int
    code: str
    legal_basis: str
    category: str
    sensitive: bool
    active: bool
    notices: tuple[NoticeEntry, ...] = field(default=())  # oldest first

    @property
    def consent_based(self) -> bool:
        return self.legal_basis == "consent"

    def current_notice(self, now: datetime) -> NoticeEntry | None:
        effective = [n for n in self.notices if n.effective_at <= now]
        return effective[-1] if effective else None

    def notice(self, notice_id: int) -> NoticeEntry | None:
        return next((n for n in self.notices if n.id == notice_id), None)

    def outdates(self, notice_id: int, now: datetime) -> bool:
        """True when a material change took effect after the notice version consented to."""
        given = self.notice(notice_id)
        if given is None:
            return False
        return any(n.material and given.effective_at < n.effective_at <= now for n in self.notices)


_lock = threading.Lock()
_cache: dict[str, PurposeEntry] | None = None
_loaded_at = 0.0


def _load() -> dict[str, PurposeEntry]:

    notices: dict[int, list[NoticeEntry]] = {}
    for n in NoticeVersion.objects.order_by("effective_at", "id").values_list(
        "id", "purpose_id", "version", "effective_at", "material", "scope__legal_basis"
    ):
        notices.setdefault(n[1], []).append(
            NoticeEntry(id=n[0], version=n[2], effective_at=n[3], material=n[4], legal_basis=n[5])
        )
    return {
        p[1]: PurposeEntry(
            id=p[0],
            code=p[1],
            legal_basis=p[2],
            category=p[3],
            sensitive=p[4],
            active=p[5],
            notices=tuple(notices.get(p[0], ())),
        )
        for p in Purpose.objects.values_list("id", "code", "legal_basis", "category", "sensitive", "active")
    }


def catalogue() -> dict[str, PurposeEntry]:
    global _cache, _loaded_at
    cached = _cache
    if cached is not None and time.monotonic() - _loaded_at < TTL_SECONDS:
        return cached
    with _lock:
        _cache, _loaded_at = _load(), time.monotonic()
        return _cache


def purpose_entry(code: str) -> PurposeEntry | None:
    return catalogue().get(code)


def catalogue_invalidate() -> None:
    """Drop this worker's copy now (so the writer's own transaction reads fresh) and again on commit."""
    global _cache
    _cache = None
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_clear)


def _clear() -> None:
    global _cache
    _cache = None
