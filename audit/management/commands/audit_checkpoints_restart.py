"""`manage.py audit_checkpoints_restart --reason TEXT`: give up the checkpoint files this database's
verifications were held to, when they are gone for good or were left behind on purpose (docs/operations.md,
"A checkpoint directory lost for good"): the chain is then verified and checkpointed from a new first
checkpoint. Noted in the trail with the reason, and e-mailed to the DPOs and internal audit
(`audit.services.audit_checkpoints_restart`). Refused while the directory holds checkpoints."""
from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import checkpoint_dir
from audit.services import audit_checkpoints_restart
from core.actors import Actor
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Give up, with a reason, the checkpoint files this database's verifications were held to, when they "
        "cannot be put back: checkpoints begin again from the next hourly job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reason", required=True,
                            help="why the files cannot be put back (kept in the trail and e-mailed)")

    def handle(self, *args, reason: str, **options):
        try:
            entry = audit_checkpoints_restart(actor=Actor.system("audit_checkpoints_restart"), reason=reason)
        except DomainError as error:
            raise CommandError(error.text) from None
        self.stdout.write(
            f"Recorded as entry #{entry.sequence}: the checkpoints this database's verifications were held "
            f"to are given up, and the hourly job writes a new first checkpoint to {checkpoint_dir()}."
        )
