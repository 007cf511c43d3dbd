"""Writing to the audit trail: one function, called inside the caller's transaction."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.actions import ensure_known
from audit.hashing import GENESIS_HASH, canonical_data, entry_digest
from audit.models import AuditChainHead, AuditEntry
from audit.selectors import audit_chain_verify
from audit.signals import chain_broken
from core.actors import Actor
from core.context import request_context


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
    context = request_context()
    with transaction.atomic(savepoint=False):
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditChainHead.objects.get_or_create(pk=1, defaults={"sequence": 0, "last_hash": GENESIS_HASH})
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        entry = AuditEntry(
            sequence=head.sequence + 1,
            recorded_at=now or timezone.now(),
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
        entry.entry_hash = entry_digest(entry)
        entry.save(force_insert=True)
        head.sequence = entry.sequence
        head.last_hash = entry.entry_hash
        head.save(update_fields=["sequence", "last_hash"])
    return entry


def _subject_id(subject: Any) -> uuid.UUID | None:
    if subject is None:
        return None
    if isinstance(subject, uuid.UUID):
        return subject
    return subject.pk


def audit_chain_check(*, actor: Actor | None = None):
    """Verify the chain and record the outcome in the chain itself (the nightly job's service).

    A broken chain is announced with `chain_broken` inside the same transaction, so the alerts the
    layers above queue (the DPO's e-mail) commit exactly with the entry that records the break."""
    result = audit_chain_verify()
    with transaction.atomic(durable=True):
        audit_record(
            action="audit.chain.verified" if result.valid else "audit.chain.broken",
            actor=actor or Actor.system("audit.verify_chain"),
            data={"entries": result.entries, "first_invalid": result.first_invalid, "reason": result.reason},
        )
        if not result.valid:
            chain_broken.send(sender=audit_chain_check, result=result)
    return result
