"""`manage.py audit_restore_record [--backup TEXT]`: record that the database was restored from a backup
older than the last signed checkpoint (docs/operations.md, "Restoring the database from a backup").

After such a restore the trail ends, or goes on with new entries, before the head a checkpoint recorded:
the whole-chain check reports it broken, and every hourly checkpoint is refused. This command verifies
the whole chain, and when what it finds is a restore (the chain checks out up to entry #N; after it the
entries a checkpoint recorded are missing or were numbered anew), appends to `restores.jsonl` beside the
checkpoint files a line signed with the audit key: "restored to entry #N, with its hash; entries #N+1 to
#M lost" (`audit.services.audit_restore_record`). Checkpoints then resume, and every verification and
proof bundle names the loss. Anything else broken is refused: that is damage to look into first.

A backup taken after the last checkpoint lost no checkpointed entry and leaves the chain whole: give its
time (`--taken-at`) and the restore is noted in the trail, with the window of records lost, and e-mailed
to the DPOs (`audit.services.audit_restore_since_checkpoint_record`)."""
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.checkpoints import RESTORES_FILE, checkpoint_dir
from audit.services import audit_restore_record, audit_restore_since_checkpoint_record
from core.actors import Actor
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Record, signed with the audit key beside the checkpoint files, that the database was restored from "
        "a backup older than the last checkpoint, and which entries that lost. Run it once after such a "
        "restore: without this record the whole-chain check reports the chain broken and no checkpoint is "
        "written again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backup", default="",
                            help="which backup was restored (its file or time), kept with the record")
        parser.add_argument(
            "--through", type=int,
            help="the backup's newest entry, when the check cannot tell it (the trail was written on within "
                 "minutes of the last checkpoint): the chain must check out up to it and break after it",
        )
        parser.add_argument(
            "--taken-at", type=_moment,
            help="when the backup restored was taken, if after the last checkpoint (ISO 8601; local time "
                 "unless it carries an offset): the restore is noted in the trail and e-mailed to the DPOs",
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1,
            help="processes that share a long chain on PostgreSQL (default: one per CPU)",
        )

    def handle(self, *args, backup="", through=None, taken_at=None, workers=1, **options):
        if taken_at is not None:
            self._record_since_checkpoint(taken_at=taken_at, backup=backup, workers=workers)
            return
        try:
            record = audit_restore_record(actor=Actor.system("audit_restore_record"), backup=backup,
                                          through=through, workers=workers)
        except DomainError as error:
            raise CommandError(error.text) from None
        self.stdout.write(
            f"Recorded in {checkpoint_dir() / RESTORES_FILE}: the audit trail was restored to entry "
            f"#{record.restored_to} (hash {record.restored_hash}); entries #{record.restored_to + 1} to "
            f"#{record.lost_through}, which a checkpoint had recorded, were lost. The entries numbered from "
            f"#{record.restored_to + 1} on are new. Checkpoints resume with the next hourly job; run "
            f"`manage.py verify_audit` to record a whole-chain check that names the loss."
        )

    def _record_since_checkpoint(self, *, taken_at, backup, workers):
        try:
            entry = audit_restore_since_checkpoint_record(
                actor=Actor.system("audit_restore_record"), taken_at=taken_at, backup=backup, workers=workers)
        except DomainError as error:
            raise CommandError(error.text) from None
        self.stdout.write(
            f"Recorded in the audit trail (entry #{entry.sequence}): the database was restored to entry "
            f"#{entry.data['restored_to']}; records written from {entry.data['lost_after']} until "
            f"{entry.data['lost_until']} were lost and must be recorded again (docs/operations.md, "
            f"\"Records lost in a restore\"). The DPOs are e-mailed the window."
        )


def _moment(text: str):
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"--taken-at {text!r}: give the backup's time as 2026-12-01T09:10 (local time) or "
                           "2026-12-01T02:10+00:00.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
