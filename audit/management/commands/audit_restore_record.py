"""`manage.py audit_restore_record [--backup TEXT]`: record that the database was restored from a backup
older than the last signed checkpoint (docs/operations.md, "Restoring the database from a backup").

After such a restore the trail ends, or goes on with new entries, before the head a checkpoint recorded:
the whole-chain check reports it broken, and every hourly checkpoint is refused. This command verifies
the whole chain, and when what it finds is a restore (the chain checks out up to entry #N; after it the
entries a checkpoint recorded are missing or were numbered anew), appends to `restores.jsonl` beside the
checkpoint files a line signed with the audit key: "restored to entry #N, with its hash; entries #N+1 to
#M lost" (`audit.services.audit_restore_record`). Checkpoints then resume, and every verification and
proof bundle names the loss. Anything else broken is refused: that is damage to look into first."""
import os

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import RESTORES_FILE, checkpoint_dir
from audit.services import audit_restore_record
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
            "--workers", type=int, default=os.cpu_count() or 1,
            help="processes that share a long chain on PostgreSQL (default: one per CPU)",
        )

    def handle(self, *args, backup="", through=None, workers=1, **options):
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
