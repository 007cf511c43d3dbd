"""`manage.py audit_archive_record --month YYYY-MM --dump FILE`: record that a month of the audit trail
was archived, before its partition is dropped (docs/deployment.md, "Archiving a month").

It writes a line signed with the audit key to `archives.jsonl` beside the checkpoint files: "archived
through entry #N (month M), dump sha256 …, entry #N's hash". Without it, the whole-chain check reports
the missing first entries as a broken chain; with it, it accepts exactly entries #1 to #N missing and
requires the first entry left to link to entry #N's hash (`audit.services.audit_archive_record`).

`manage.py audit_archive_record --already-archived [--dump FILE]`: record an archive made before archive
records existed, whose entries are already gone, from the chain that is left; the record is marked as
recorded after the fact, not computed from the archived entries
(`audit.services.audit_archive_record_after_the_fact`)."""
from __future__ import annotations

import hashlib
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.checkpoints import ARCHIVES_FILE, checkpoint_dir
from audit.services import audit_archive_record, audit_archive_record_after_the_fact
from core.actors import Actor
from core.errors import DomainError


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(f"--month takes a month as YYYY-MM (2027-01), not {value!r}.") from None


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as dump:
            while chunk := dump.read(1 << 20):
                digest.update(chunk)
    except OSError as error:
        raise CommandError(f"The dump {path} cannot be read: {error.strerror}.") from None
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Record, signed with the audit key beside the checkpoint files, that the entries of the audit "
        "trail up to the last one of --month (or through entry --through) were archived into --dump. "
        "Run it after the dump is taken and restores, before the month's partition is detached and "
        "dropped: without this record the whole-chain check reports the missing entries as a broken chain. "
        "With --already-archived, record an archive made before archive records existed, whose entries are "
        "already gone, from the first entry left; the record says it was recorded after the fact."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--month", type=_month, help="the month archived, YYYY-MM: through its last entry")
        which.add_argument("--through", type=int, help="the number of the last entry archived")
        parser.add_argument("--dump", help="the dump file of the month (its SHA-256 is recorded)")
        parser.add_argument(
            "--already-archived", action="store_true",
            help="the oldest entries were archived and dropped before archive records existed: record that "
                 "archive after the fact, ending just before the first entry left (--dump: the old dump, "
                 "if kept)",
        )

    def handle(self, *args, month=None, through=None, dump=None, already_archived=False, **options):
        if already_archived and (month or through is not None):
            raise CommandError(_("--already-archived takes neither --month nor --through: the archive ends "
                                 "just before the first entry left in the database."))
        if not already_archived and dump is None:
            raise CommandError(_("--dump is required: the dump file of the archived month."))
        actor = Actor.system("audit_archive_record")
        dump_sha256 = _sha256(dump) if dump is not None else ""
        try:
            if already_archived:
                record = audit_archive_record_after_the_fact(dump_sha256=dump_sha256, actor=actor)
            else:
                record = audit_archive_record(
                    dump_sha256=dump_sha256, through=through, month=month, actor=actor
                )
        except DomainError as error:
            raise CommandError(error.text) from None
        if record.after_the_fact:
            self.stdout.write(
                f"Recorded in {checkpoint_dir() / ARCHIVES_FILE}: entries #1 to #{record.through} archived, "
                f"recorded after the fact from entry #{record.through + 1}, the first entry left, which "
                f"links to {record.through_hash}; not computed from the archived entries, which are gone."
                + (f" Dump sha256 {record.dump_sha256}." if record.dump_sha256 else "")
            )
            return
        self.stdout.write(
            f"Recorded in {checkpoint_dir() / ARCHIVES_FILE}: entries #1 to #{record.through} archived "
            f"(month {record.month}), dump sha256 {record.dump_sha256}, entry #{record.through}'s hash "
            f"{record.through_hash}. The month's partition may now be detached and dropped."
        )
