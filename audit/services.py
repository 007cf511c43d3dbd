"""Writing to the audit trail: one function, called inside the caller's transaction."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.actions import ensure_known
from audit.checkpoints import Checkpoint, checkpoint_append, checkpoints_read
from audit.hashing import GENESIS_HASH, UNKEYED, canonical_data, entry_seal
from audit.models import AuditChainHead, AuditEntry
from audit.selectors import CHAIN_FULL, CHAIN_SINCE_CHECKPOINT, audit_chain_verify
from audit.signals import chain_broken, checkpoint_written
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
        head = _locked_head()
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
        head = _locked_head()
        entries = []
        for record in records:
            entry = _entry(head, context=context, **record)
            entries.append(entry)
            head.sequence = entry.sequence
            head.last_hash = entry.entry_hash
        bulk_insert(entries)
        head.save(update_fields=["sequence", "last_hash"])
    return entries


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1, defaults={"sequence": 0, "last_hash": GENESIS_HASH})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
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


def audit_chain_check(*, actor: Actor | None = None, since_checkpoint: bool = False, workers: int = 1):
    """Verify the chain and record the outcome in the chain itself: the nightly and weekly jobs, the
    auditor's buttons on the trail page and `manage.py verify_audit` all verify through here, so every
    verification of the whole chain is one a document can cite (`audit_chain_last_full_check`).

    `since_checkpoint`: from the head of the last signed checkpoint on (nightly); the weekly job
    re-reads the whole trail, which is what finds an old entry changed by someone holding the key.
    `workers` as for `audit_chain_verify`.
    """
    result = audit_chain_verify(since_checkpoint=since_checkpoint, workers=workers)
    _record_outcome(result, actor=actor)
    return result


def _record_outcome(result, *, actor: Actor | None) -> None:
    """Record the verification; a broken chain is announced (`chain_broken`) in the same transaction,
    so the alerts the layers above queue (the DPO's e-mail) commit exactly with the entry."""
    with transaction.atomic(durable=True):
        audit_record(
            action="audit.chain.verified" if result.valid else "audit.chain.broken",
            actor=actor or Actor.system("audit.verify_chain"),
            data={
                "entries": result.entries, "first_invalid": result.first_invalid, "reason": result.reason,
                # What it read: the whole chain from its first entry, or from the last checkpoint's head
                # on; documents cite the latest whole-chain outcome (`audit_chain_last_full_check`).
                "scope": CHAIN_SINCE_CHECKPOINT if result.from_checkpoint_at else CHAIN_FULL,
                "from_sequence": result.from_sequence, "head_sequence": result.head_sequence,
                # Entries before it archived (docs/deployment.md): "full" is everything in the database.
                "archived_before": result.archived_before,
            },
        )
        if not result.valid:
            chain_broken.send(sender=audit_chain_check, result=result)


def audit_checkpoint_write(*, now: datetime | None = None):
    """Verify the chain, then append a signed checkpoint of its head outside the database.

    A chain that does not verify is never checkpointed (that would bless the damage): the outcome is
    recorded and the DPO alerted, as by the nightly check. Returns the verification and the line
    written (None when broken). The line is announced (`checkpoint_written`): with
    `AUDIT_CHECKPOINT_EMAIL` set, integrations e-mails it to internal audit.
    """
    now = now or timezone.now()
    anchors = checkpoints_read()
    result = audit_chain_verify(anchors=anchors, since_checkpoint=True)
    if not result.valid:
        _record_outcome(result, actor=Actor.system("audit.write_checkpoint"))
        return result, None
    # The first checkpoint fixes the switch-over to keyed seals; later ones copy it (audit/checkpoints.py).
    keyed_from = anchors.keyed_from
    if keyed_from is None:
        first_keyed = AuditEntry.objects.exclude(mac_key_id=UNKEYED).order_by("sequence").first()
        keyed_from = first_keyed.sequence if first_keyed is not None else result.head_sequence + 1
    line = checkpoint_append(
        Checkpoint(sequence=result.head_sequence, head_hash=result.head_hash,
                   written_at=now.astimezone(UTC).isoformat(timespec="seconds"), keyed_from=keyed_from),
        now=now,
    )
    with transaction.atomic(durable=True):
        checkpoint_written.send(sender=audit_checkpoint_write, line=line, result=result, now=now)
    return result, line
