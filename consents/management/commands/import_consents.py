"""`manage.py import_consents FILE.csv --operator USERNAME`: import existing consents; bad rows are listed,
good ones kept. The operator, a staff member who may import consents, is who the audit trail and the
consents' records name: a person answers for what was transcribed, as on the import page."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consents.services import consents_import_csv, text_lines
from core.actors import Actor, actor_for_user
from core.errors import DomainError
from core.roles import staff_users


class Command(BaseCommand):
    help = (
        "Import consents from a CSV file (columns: subject, purpose, notice_version, channel, evidence, "
        "granted_at, guardian, sensitive_acknowledged, child_agreed, child_evidence, outcome: granted or "
        "refused; controller and controller_notice_version for a portfolio transferred from another bank). "
        "Re-running the same file imports nothing twice. "
        "Exit status: 0 when rows were imported or recorded (refused rows, if any, are listed); "
        "1 when the file is missing or unreadable, or when every row was refused and nothing was done."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--operator",
            required=True,
            metavar="USERNAME",
            help="The staff member running the import (one who may import consents, e.g. the DPO): the "
            "audit entries and the consents' records name them.",
        )

    def handle(self, *args, path: str, batch_size: int, operator: str, **options):
        actor = _operator(operator)
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with file.open("rb") as raw:
                run = consents_import_csv(
                    actor=actor,
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


def _operator(username: str) -> Actor:
    """The staff member named by --operator, when they may import consents."""
    user = staff_users().filter(username=username).first()
    if user is None:
        raise CommandError(f"No staff user named {username!r}.")
    if not user.is_active:
        raise CommandError(f"The user {username!r} is not active.")
    if not user.has_perm("consents.import_consents"):
        raise CommandError(f"{username!r} may not import consents (the right of the DPO's role).")
    return actor_for_user(user)
