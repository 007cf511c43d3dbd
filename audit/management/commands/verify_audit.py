"""`manage.py verify_audit`: exit 0 with the count when the chain is intact, 1 naming the first bad (or lost)
entry.

It reads the whole chain in the database: from entry #1, or, once months were archived
(docs/deployment.md), from the first entry left, linked to the hash kept by the signed archive record
that says the archive ended just before it (`audit_archive_record`), and says so. Without such a record
missing first entries are a broken chain.

After a restore from a backup older than the last checkpoint, the chain is broken until the restore is
recorded (`audit_restore_record`); from then on it checks out but is not called intact: it exits 1 and names
the entries the restore lost.

Archived entries found in the database again (a restore from a backup taken before their month was
dropped) are named, with the month to drop again: the chain is intact, but the month is past retention.

The outcome is recorded in the trail as the weekly job records it (`audit_chain_check`): a document can
cite the run as the last verification of the whole chain, and a broken chain alerts the DPO."""
import os
from datetime import UTC

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_archived_entries_kept, audit_checkpoints_given_up
from audit.services import audit_chain_check
from core.actors import Actor


class Command(BaseCommand):
    help = "Check the audit chain's seals and checkpoints; report the first broken entry, if any."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1,
            help="processes that share a long chain on PostgreSQL (default: one per CPU)",
        )

    def handle(self, *args, **options):
        result = audit_chain_check(actor=Actor.system("verify_audit"), workers=options["workers"])
        if not result.valid:
            restored = (
                " If the database was restored from a backup, record the restore with `manage.py "
                "audit_restore_record` (docs/operations.md, \"Restoring the database from a backup\")."
                if result.lost_through else ""
            )
            raise CommandError(
                f"Audit chain BROKEN after {result.entries} valid entries: "
                f"first invalid entry id={result.first_invalid} ({result.reason}).{restored}"
            )
        archive, began = result.archive, ""
        if archive is not None:
            said = (
                "; it was recorded after the fact from the first entry left (the hash that entry links to), "
                "not computed from the archived entries, which were already gone."
                if archive.after_the_fact else
                f" (month {archive.month}), and entry #{result.from_sequence} links to the hash it kept."
            )
            began = (
                f" The check began from entry #{result.from_sequence} (entries before it archived): the "
                f"signed archive record of {archive.written_at} says entries #1 to #{archive.through} were "
                f"archived{said}"
            )
        if archive is not None and result.anchor_sequence:
            began += (
                f" The first checkpoint after it, of {result.anchor_written_at}, recorded entry "
                f"#{result.anchor_sequence}."
            )
        began += _kept(audit_archived_entries_kept()) + _given_up(audit_checkpoints_given_up())
        if result.restores:
            # The contract's exit 0 means intact: a recorded restore still lost entries, so the command
            # fails, naming the first of them, though the chain now checks out and the jobs carry on.
            raise CommandError(
                f"Audit chain consistent, NOT intact: entries were lost in a restore from a backup, the "
                f"first lost entry is #{result.restores[0].restored_to + 1}. {result.entries} entries "
                f"checked; checkpoints outside the database: {result.checkpoints}.{began}"
                f"{_lost(result.restores)}"
            )
        self.stdout.write(
            f"Audit chain intact: {result.entries} entries checked; "
            f"checkpoints outside the database: {result.checkpoints}.{began}"
        )


def _lost(restores) -> str:
    return "".join(
        f" The signed restore record of {restore.written_at} says the trail was restored to entry "
        f"#{restore.restored_to}: entries #{restore.restored_to + 1} to #{restore.lost_through}, which a "
        f"checkpoint had recorded, were lost"
        + (f" (backup: {restore.backup})." if restore.backup else ".")
        for restore in restores
    )


def _given_up(entries) -> str:
    return "".join(
        f" The checkpoints written before entry #{entry.sequence} were given up on "
        f"{entry.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC by {entry.actor_label} (entry "
        f"#{entry.sequence}: {entry.data['reason']}): the entries before it are held to no checkpoint."
        for entry in entries
    )


def _kept(kept) -> str:
    if kept is None:
        return ""
    archive = kept.record
    month = f" (month {archive.month})" if archive.month else ""
    return (
        f" Entries #{kept.first} to #{archive.through}, which the signed archive record of "
        f"{archive.written_at} says were archived{month}, are still in the database: drop them as "
        f"docs/deployment.md says (\"Archiving a month past retention\"). Right after recording the archive "
        f"that is the next step; later, a restore from a backup taken before the drop brought them back."
    )
