"""Restore records: the database was restored from a backup older than the last checkpoint (signed,
beside the checkpoint files), or newer than it (a trail entry only) (docs/operations.md, "Restoring the
database from a backup")."""
from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.checkpoints import RestoreRecord, checkpoints_read, restore_record_append
from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services.trail import audit_record
from audit.signals import restore_recorded, restore_since_checkpoint_recorded
from core.actors import Actor
from core.errors import InvalidInput

BACKUP_MAX_LENGTH = 200
RESTORED_SINCE_CHECKPOINT = "audit.restore.since_checkpoint"


def audit_restore_record(
    *, actor: Actor, backup: str = "", through: int | None = None, workers: int = 1,
    now: datetime | None = None,
) -> RestoreRecord:
    """Record, outside the database and signed with the audit key, that the database was restored from a
    backup older than the last checkpoint: the trail now ends, or goes on with new entries, after entry
    #N, and entries #N+1 to #M, which a checkpoint had recorded, are lost (`RestoreRecord`; `backup`, the
    operator's description of the backup, is kept with it).

    N and M are what the whole-chain check finds: the chain checks out up to entry #N, and after it the
    entries a checkpoint recorded are missing, or numbered anew after that checkpoint was written. A
    trail written on within minutes of the last checkpoint cannot be told by time
    (`RECORDED_AFTER_CHECKPOINT_TOLERANCE`): its first new entry fits, and the check stops later, at the
    checkpoint's head, whose hash differs. The operator then gives N, the backup's newest entry
    (`through`): the chain must check out up to it and break after it. Refused when the chain checks out
    (nothing a checkpoint recorded was lost) or is broken in any other way (or before `through`), which
    is damage to look into, not a restore. The checkpoints written
    before the record past entry #N then no longer bind the chain, so the hourly checkpoints resume; every
    verification and proof bundle names the loss from then on. Appended to `restores.jsonl` beside the
    checkpoint files and noted in the trail (`audit.restore.recorded`); announced in the same transaction
    (`restore_recorded`: integrations e-mails the signed record to the DPOs and internal audit).
    """
    now = now or timezone.now()
    backup = _described(backup)
    anchors = _anchors_read()
    result = audit_chain_verify(anchors=anchors, workers=workers)
    if result.valid:
        raise InvalidInput(_("The audit chain checks out against every checkpoint: no entry a checkpoint "
                             "recorded was lost, so there is no restore to record. If the backup restored "
                             "was taken after the last checkpoint, give its time (--taken-at)."))
    if through is None and not result.lost_through:
        raise InvalidInput(
            _("The audit chain is broken, and not as a restore from a backup leaves it: %(reason)s. "
              "Nothing was recorded. If the database was restored and written on within minutes of the "
              "last checkpoint, give the backup's newest entry (--through)."),
            reason=result.reason,
        )
    restored_to, restored_hash = (
        (result.restored_to, result.head_hash) if through is None else _given(through, result, anchors)
    )
    record = RestoreRecord(
        restored_to=restored_to, restored_hash=restored_hash,
        lost_through=result.lost_through or anchors.last.sequence,
        backup=backup, written_at=now.astimezone(UTC).isoformat(timespec="seconds"),
    )
    lost_after, lost_until = _lost_window(restored_to, now=now)
    line = restore_record_append(record)
    with transaction.atomic(durable=True):
        audit_record(action="audit.restore.recorded", actor=actor, now=now, data={
            "restored_to": record.restored_to, "lost_through": record.lost_through, "backup": backup,
            "lost_after": lost_after.isoformat(), "lost_until": lost_until.isoformat(),
        })
        # Announced here, where the restore is recorded once, not by the checks that name it on every run.
        restore_recorded.send(sender=audit_restore_record, record=record, line=line,
                              lost_after=lost_after, lost_until=lost_until)
    return record


def audit_restore_since_checkpoint_record(
    *, actor: Actor, taken_at: datetime, backup: str = "", workers: int = 1, now: datetime | None = None,
) -> AuditEntry:
    """Record that the database was restored from a backup taken at `taken_at`, after the last checkpoint:
    what it lost no checkpoint had recorded, so the chain checks out and `audit_restore_record` has no
    break to sign, yet the records written between the backup and the failure are gone all the same.

    The restore point is the last entry recorded at or before `taken_at`; the records lost were written
    after it and before the restored platform wrote again (`_lost_window`). `taken_at` must be after the
    last checkpoint (an older backup lost checkpointed entries: the signed record) and before now.
    Refused when the chain does not check out: that is a restore from an older backup, or damage. Noted
    in the trail only (`audit.restore.since_checkpoint`; verifications are unchanged, having nothing to
    name) and announced in the same transaction (`restore_since_checkpoint_recorded`: integrations
    e-mails the DPOs the lost window)."""
    now = now or timezone.now()
    backup = _described(backup)
    anchors = _anchors_read()
    last_checkpoint = max((checkpoint.written for checkpoint in anchors.checkpoints), default=None)
    if taken_at >= now or (last_checkpoint is not None and taken_at <= last_checkpoint):
        raise InvalidInput(
            _("The backup's time must be after the last checkpoint (%(checkpoint)s UTC) and before now: an "
              "older backup is recorded without --taken-at."),
            field="taken_at", checkpoint=f"{last_checkpoint:%Y-%m-%d %H:%M:%S}" if last_checkpoint else "-",
        )
    result = audit_chain_verify(anchors=anchors, workers=workers)
    if not result.valid:
        raise InvalidInput(
            _("The audit chain is broken (%(reason)s), and a backup taken after the last checkpoint leaves "
              "it whole: nothing was recorded. A restore from an older backup is recorded without "
              "--taken-at; anything else is damage to look into."),
            reason=result.reason,
        )
    restored_to = (AuditEntry.objects.filter(recorded_at__lte=taken_at).order_by("-sequence")
                   .values_list("sequence", flat=True).first())
    if restored_to is None:
        raise InvalidInput(_("No entry of the audit trail was recorded by the backup's time: nothing was "
                             "recorded."), field="taken_at")
    lost_after, lost_until = _lost_window(restored_to, now=now)
    with transaction.atomic(durable=True):
        entry = audit_record(action=RESTORED_SINCE_CHECKPOINT, actor=actor, now=now, data={
            "restored_to": restored_to, "taken_at": taken_at.isoformat(), "backup": backup,
            "lost_after": lost_after.isoformat(), "lost_until": lost_until.isoformat(),
        })
        restore_since_checkpoint_recorded.send(
            sender=audit_restore_since_checkpoint_record, entry=entry,
            taken_at=taken_at, lost_after=lost_after, lost_until=lost_until,
        )
    return entry


def _described(backup: str) -> str:
    backup = backup.strip()
    if len(backup) > BACKUP_MAX_LENGTH:
        raise InvalidInput(_("Describe the backup in at most %(limit)s characters."), field="backup",
                           limit=BACKUP_MAX_LENGTH)
    return backup


def _anchors_read():
    anchors = checkpoints_read()
    if anchors.problem:
        raise InvalidInput(_("The checkpoint files do not verify (%(problem)s): nothing was recorded."),
                           problem=anchors.problem)
    return anchors


def _lost_window(restored_to: int, *, now: datetime) -> tuple[datetime, datetime]:
    """When the records the restore lost were written: after the backup's newest entry (#`restored_to`),
    and before the restored platform wrote again (its first new entry, or `now` when it wrote none).
    Every table came back from the same backup, so the window holds the lost consents, withdrawals and
    requests too, not only the audit entries: what the integration clients and staff must send again."""
    entries = AuditEntry.objects.order_by("sequence").values_list("recorded_at", flat=True)
    lost_after = entries.get(sequence=restored_to)
    lost_until = entries.filter(sequence__gt=restored_to).first() or now
    return lost_after, lost_until


def _given(through: int, result, anchors) -> tuple[int, str]:
    """Entry #`through`, the operator's restore point, and its hash: the check must have read it and gone
    past it before it broke, and a checkpoint must have recorded more."""
    checked_up_to = result.from_sequence + result.entries - 1
    entry = AuditEntry.objects.filter(sequence=through).values_list("entry_hash", flat=True).first()
    if entry is None or checked_up_to < through or anchors.last is None or anchors.last.sequence <= through:
        raise InvalidInput(
            _("The audit chain does not check out up to entry #%(through)s and break only after it "
              "(%(reason)s): nothing was recorded."),
            through=through, reason=result.reason,
        )
    return through, entry
