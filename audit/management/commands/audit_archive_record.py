"""`manage.py audit_archive_record --month YYYY-MM --dump FILE`: record that a month of the audit trail
was archived, before its partition is dropped (docs/deployment.md, "Archiving a month").

It writes a line signed with the audit key to `archives.jsonl` beside the checkpoint files: "archived
through entry #N (month M), dump sha256 …, entry #N's hash". Without it, the whole-chain check reports
the missing first entries as a broken chain; with it, it accepts exactly entries #1 to #N missing and
requires the first entry left to link to entry #N's hash (`audit.services.audit_archive_record`)."""
from __future__ import annotations

import hashlib
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import ARCHIVES_FILE, checkpoint_dir
from audit.services import audit_archive_record
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
        "dropped: without this record the whole-chain check reports the missing entries as a broken chain."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--month", type=_month, help="the month archived, YYYY-MM: through its last entry")
        which.add_argument("--through", type=int, help="the number of the last entry archived")
        parser.add_argument("--dump", required=True,
                            help="the dump file of the month (its SHA-256 is recorded)")

    def handle(self, *args, month=None, through=None, dump, **options):
        try:
            record = audit_archive_record(
                dump_sha256=_sha256(dump), through=through, month=month,
                actor=Actor.system("audit_archive_record"),
            )
        except DomainError as error:
            raise CommandError(error.text) from None
        self.stdout.write(
            f"Recorded in {checkpoint_dir() / ARCHIVES_FILE}: entries #1 to #{record.through} archived "
            f"(month {record.month}), dump sha256 {record.dump_sha256}, entry #{record.through}'s hash "
            f"{record.through_hash}. The month's partition may now be detached and dropped."
        )
