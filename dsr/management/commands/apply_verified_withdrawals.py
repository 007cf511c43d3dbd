"""`manage.py apply_verified_withdrawals`: once, after upgrading to the release in which a withdrawal
request takes effect at identity verification: puts in force the open ones verified before it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
from dsr.services import withdrawals_catch_up


class Command(BaseCommand):
    help = (
        "Put in force the open withdrawal requests whose requester was verified before withdrawals took "
        "effect at verification. Safe to run again: it finds nothing the second time. "
        "Exit status: 0 when requests were put in force or there were none to put in force (refused ones, "
        "if any, are listed); 1 when every request was refused and none was put in force."
    )

    def handle(self, *args, **options):
        applied, refused = withdrawals_catch_up(actor=Actor.system("apply_verified_withdrawals"))
        self.stdout.write(f"{applied} withdrawal request(s) put in force.")
        for request_id, reason in refused.items():
            self.stdout.write(f"request {request_id}: not put in force: {reason}")
        if refused and not applied:
            raise CommandError(
                f"All {len(refused)} withdrawal request(s) were refused; none was put in force."
            )
