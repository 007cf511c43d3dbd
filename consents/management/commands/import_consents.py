"""`manage.py import_consents FILE.csv`: import existing consents; bad rows are listed, good ones kept."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consents.services import consents_import_csv, text_lines
from core.actors import Actor
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import consents from a CSV file (columns: subject, purpose, notice_version, channel, evidence, "
        "granted_at, guardian, sensitive_acknowledged, child_agreed, child_evidence, outcome: granted or "
        "refused). "
        "Re-running the same file imports nothing twice. "
        "Exit status: 0 when rows were imported or recorded (refused rows, if any, are listed); "
        "1 when the file is missing or unreadable, or when every row was refused and nothing was done."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, path: str, batch_size: int, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with file.open("rb") as raw:
                run = consents_import_csv(
                    actor=Actor.system("import_consents"),
                    lines=text_lines(raw),
                    filename=file.name,
                    batch_size=batch_size,
                )
        except DomainError as error:
            raise CommandError(error.text) from None
        for note in run.notes:
            self.stdout.write(f"line {note['line']}: {note['note']}")
        for error in run.errors:
            self.stdout.write(f"line {error['line']}: {error['reason']}")
        if run.refused > len(run.errors):
            self.stdout.write(f"... and {run.refused - len(run.errors)} more refused rows")
        self.stdout.write(
            f"rows={run.rows} imported={run.imported} refusals_recorded={run.refusals_recorded} "
            f"withdrawals_recorded={run.withdrawals_recorded} "
            f"already_imported={run.already_imported} "
            f"refused={run.refused} import={run.pk}"
        )
        if run.refused and run.refused == run.rows:
            # A cron job or pipeline alerts on the exit status: a file of nothing but refusals is a failure.
            raise CommandError(f"All {run.rows} rows were refused; nothing was imported.")
