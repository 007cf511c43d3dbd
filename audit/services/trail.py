"""Writing to the audit trail: one function, called inside the caller's transaction."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.actions import ensure_known
from audit.errors import AuditChainHeadMissing
from audit.hashing import GENESIS_HASH, canonical_data, entry_seal
from audit.models import AuditChainHead, AuditEntry
from core.actors import Actor
from core.context import request_context
from core.db import bulk_insert


def audit_record(
    *,
    action: str,
    actor: Actor,
    subject: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction.

    `subject` is a data subject (or its id); `data` holds codes, ids, field names and keyed
    fingerprints, never plaintext personal data. The chain head row is locked for the rest of the
    caller's transaction, which is what keeps sequence numbers gapless under concurrent writers.
    """
    ensure_known(action)
    with transaction.atomic(savepoint=False):
        head = audit_chain_head_lock()
        entry = _entry(
            head, action=action, actor=actor, subject=subject, target=target, data=data, now=now,
            context=request_context(),
        )
        entry.save(force_insert=True)
        head.sequence = entry.sequence
        head.last_hash = entry.entry_hash
        head.save(update_fields=["sequence", "last_hash"])
    return entry


def audit_record_many(records: list[dict[str, Any]]) -> list[AuditEntry]:
    """Append many entries in the caller's transaction, in the order given: the chain head is locked
    once and the entries are inserted together (`core.db.bulk_insert`: their `pk` is not read back),
    each sealed exactly as `audit_record` seals it. Each record holds `audit_record`'s keyword
    arguments (`action`, `actor`, `subject`, `target`, `data`, `now`); for the sweeps that move
    thousands of rows at once."""
    if not records:
        return []
    for record in records:
        ensure_known(record["action"])
    context = request_context()
    with transaction.atomic(savepoint=False):
        head = audit_chain_head_lock()
        entries = []
        for record in records:
            entry = _entry(head, context=context, **record)
            entries.append(entry)
            head.sequence = entry.sequence
            head.last_hash = entry.entry_hash
        bulk_insert(entries)
        head.save(update_fields=["sequence", "last_hash"])
    return entries


def audit_chain_head_lock() -> AuditChainHead:
    """Lock the chain's head row for the rest of the caller's transaction (made at the first entry ever)
    and return it: every writer of entries waits here, so a reader that locks it first reads all entries
    committed before it and none written after it until it commits."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Made first and checked after: another writer may start the trail between a look for the head
        # and a look for entries, and its entries are then no sign of a deleted head.
        _, made_here = AuditChainHead.objects.get_or_create(
            pk=1, defaults={"sequence": 0, "last_hash": GENESIS_HASH}
        )
        # Made again at 0 over existing entries, it would number new ones over them.
        if made_here and AuditEntry.objects.exists():
            raise AuditChainHeadMissing(
                "the audit chain head row is missing while entries exist: restore it from the last entry's "
                "sequence and hash (docs/operations.md) before anything can be audited again"
            )
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    return head


def _entry(
    head: AuditChainHead,
    *,
    action: str,
    actor: Actor,
    context,
    subject: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """The sealed, unsaved entry that follows `head` (which the caller advances)."""
    entry = AuditEntry(
        sequence=head.sequence + 1,
        # Sealed as the database gives it back (UTC): a caller's local time would seal another spelling
        # of the same instant, and every verification would then read the entry as altered.
        recorded_at=(now or timezone.now()).astimezone(UTC),
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_label=actor.label[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        subject_id=_subject_id(subject),
        data=canonical_data(data),
        request_id=context.request_id,
        ip=context.ip,
        prev_hash=head.last_hash,
    )
    entry_seal(entry)
    return entry


def _subject_id(subject: Any) -> uuid.UUID | None:
    if subject is None:
        return None
    if isinstance(subject, uuid.UUID):
        return subject
    return subject.pk
