"""Writing to the audit trail: one function, called inside the caller's transaction."""
from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import ensure_known
from audit.checkpoints import (
    ArchiveRecord,
    Checkpoint,
    archive_record_append,
    checkpoint_append,
    checkpoints_read,
)
from audit.hashing import GENESIS_HASH, UNKEYED, canonical_data, entry_seal
from audit.models import AuditChainHead, AuditEntry
from audit.selectors import CHAIN_FULL, CHAIN_SINCE_CHECKPOINT, audit_archive_boundary, audit_chain_verify
from audit.signals import chain_broken, checkpoint_written
from core.actors import Actor
from core.context import request_context
from core.db import bulk_insert
from core.errors import InvalidInput
from core.partitions import month_bounds


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
                # Entries before it archived (docs/deployment.md): "full" is everything in the database;
                # the archive record vouching for them was written after the fact (`--already-archived`).
                "archived_before": result.archived_before,
                "archive_after_the_fact": result.archive is not None and result.archive.after_the_fact,
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


_SHA256 = re.compile(r"[0-9a-f]{64}")


def audit_archive_record(
    *, dump_sha256: str, actor: Actor, through: int | None = None, month: date | None = None,
    now: datetime | None = None,
) -> ArchiveRecord:
    """Record, outside the database and signed with the audit key, that the runbook archived entries
    #1 to #`through` (or to the last entry of `month`) into the dump whose SHA-256 is `dump_sha256`,
    with entry #`through`'s hash, read now, before the month is dropped (docs/deployment.md).

    The whole-chain check accepts missing first entries only where such a record says an archive ended,
    and links the first entry left to that hash. So the record is refused unless the archive can end
    there: the entry is in the database and its hash is the chain's (the stretch from it to the next
    signed checkpoint checks out), it is the last entry of its month with no earlier month left in the
    database (dropping the month's partition removes exactly #1 to #`through` of what is left), and it
    goes further than the last record. The record is appended to `archives.jsonl` beside the checkpoint
    files and noted in the trail (`audit.archive.recorded`).
    """
    now = now or timezone.now()
    anchors = checkpoints_read()
    if anchors.problem:
        raise InvalidInput(_("The checkpoint files do not verify (%(problem)s): nothing was recorded."),
                           problem=anchors.problem)
    if not _SHA256.fullmatch(dump_sha256):
        raise InvalidInput(_("The dump's SHA-256 must be 64 hexadecimal digits."), field="dump_sha256")
    if through is None:
        through = _month_last_sequence(month)
    entry = AuditEntry.objects.filter(sequence=through).first()
    if entry is None:
        raise InvalidInput(_("Entry #%(through)s is not in the database: nothing was recorded."),
                           through=through)
    start, end = month_bounds(entry.recorded_at)
    _archive_ends_with_its_month(through, start=start, end=end)
    last = anchors.last_archive
    if last is not None and last.through >= through:
        raise InvalidInput(_("Entries #1 to #%(last)s are already recorded as archived."), last=last.through)
    through_hash, problem = audit_archive_boundary(through, anchors)
    if problem:
        raise InvalidInput(
            _("Entry #%(through)s cannot be recorded as the end of an archive: %(problem)s."),
            through=through, problem=problem,
        )
    return _archive_recorded(ArchiveRecord(
        through=through, through_hash=through_hash, month=f"{start:%Y-%m}", dump_sha256=dump_sha256,
        written_at=now.astimezone(UTC).isoformat(timespec="seconds"),
    ), actor=actor, now=now)


def audit_archive_record_after_the_fact(
    *, actor: Actor, dump_sha256: str = "", now: datetime | None = None
) -> ArchiveRecord:
    """Record an archive made before archive records existed (the old runbook dropped the oldest months
    with no record), from the chain that is left: entries #1 to the one before the first entry in the
    database were archived, and that entry's prev_hash (sealed with it) is the last archived entry's hash.

    The archived entries are gone, so the record cannot be computed from them and does not pretend to be:
    it is marked `after_the_fact` (signed with the rest), and the whole-chain check, the API, the trail
    page and the proof bundle say so. `dump_sha256`, the old dump's SHA-256 when the bank kept it, is
    recorded as given. Refused when the first entry in the database begins the chain (nothing was
    archived), when a record already covers that point, when that entry's hash is not the chain's (the
    stretch from it to the next signed checkpoint must check out, as for any archive record), or when a
    signed checkpoint recorded the last archived entry with another hash than the one it links to.
    """
    now = now or timezone.now()
    anchors = checkpoints_read()
    if anchors.problem:
        raise InvalidInput(_("The checkpoint files do not verify (%(problem)s): nothing was recorded."),
                           problem=anchors.problem)
    if dump_sha256 and not _SHA256.fullmatch(dump_sha256):
        raise InvalidInput(_("The dump's SHA-256 must be 64 hexadecimal digits."), field="dump_sha256")
    first = AuditEntry.objects.order_by("sequence").first()
    if first is None:
        raise InvalidInput(_("The audit trail is empty: no entry was archived."))
    if first.sequence == 1 or first.prev_hash == GENESIS_HASH:
        raise InvalidInput(_("Entry #%(first)s begins the chain: no entry was archived, so there is no "
                             "archive to record."), first=first.sequence)
    through = first.sequence - 1
    last = anchors.last_archive
    if last is not None and last.through >= through:
        raise InvalidInput(_("A signed archive record already covers entries #1 to #%(last)s: nothing was "
                             "recorded."), last=last.through)
    _first_hash, problem = audit_archive_boundary(first.sequence, anchors)
    contradicting = next((checkpoint for checkpoint in anchors.by_sequence().get(through, ())
                          if checkpoint.head_hash != first.prev_hash), None)
    if not problem and contradicting is not None:
        problem = (f"the checkpoint of {contradicting.written_at} recorded entry #{through} with another "
                   f"hash than the one entry #{first.sequence} links to")
    if problem:
        raise InvalidInput(
            _("Entry #%(first)s cannot be recorded as the first entry after an archive: %(problem)s."),
            first=first.sequence, problem=problem,
        )
    return _archive_recorded(ArchiveRecord(
        through=through, through_hash=first.prev_hash, month="", dump_sha256=dump_sha256,
        written_at=now.astimezone(UTC).isoformat(timespec="seconds"), after_the_fact=True,
    ), actor=actor, now=now)


def _archive_recorded(record: ArchiveRecord, *, actor: Actor, now: datetime) -> ArchiveRecord:
    """Append the signed record beside the checkpoint files, then note it in the trail."""
    archive_record_append(record)
    data = {"through": record.through, "month": record.month, "dump_sha256": record.dump_sha256}
    if record.after_the_fact:
        data["after_the_fact"] = True
    with transaction.atomic(durable=True):
        audit_record(action="audit.archive.recorded", actor=actor, now=now, data=data)
    return record


def _month_last_sequence(month: date | None) -> int:
    if month is None:
        raise InvalidInput(_("Say which month was archived, or through which entry."), field="month")
    start, end = month_bounds(month)
    month_entries = AuditEntry.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    last = month_entries.order_by("-sequence").first()
    if last is None:
        raise InvalidInput(_("No entry of %(month)s is in the database: nothing was recorded."),
                           month=f"{start:%Y-%m}")
    return last.sequence


def _archive_ends_with_its_month(through: int, *, start: datetime, end: datetime) -> None:
    """Refuse an archive end that dropping its month's partition would not give."""
    if AuditEntry.objects.filter(recorded_at__lt=start).exists():
        raise InvalidInput(_("Entries recorded before %(month)s are still in the database: archive the "
                             "earlier months first."), month=f"{start:%Y-%m}")
    later = AuditEntry.objects.filter(sequence__gt=through, recorded_at__lt=end).order_by("sequence").first()
    if later is not None:
        raise InvalidInput(
            _("Entry #%(later)s, recorded in %(month)s, comes after entry #%(through)s: the archive would "
              "not end at entry #%(through)s."),
            later=later.sequence, month=f"{start:%Y-%m}", through=through,
        )
