"""`manage.py revoke_withdrawn_authorisations`: once, after upgrading to the release in which a
withdrawal request revokes the customer's third-party authorisations: revokes those an earlier release
only paused for a withdrawal in force."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.actors import Actor
from dsr.services import withdrawal_pauses_revoke


class Command(BaseCommand):
    help = (
        "Revoke the third-party authorisations that an earlier release paused for a withdrawal request in "
        "force (a withdrawal is never lifted, so nothing would resume them). Safe to run again: it finds "
        "nothing the second time."
    )

    def handle(self, *args, **options):
        revoked = withdrawal_pauses_revoke(actor=Actor.system("revoke_withdrawn_authorisations"))
        self.stdout.write(f"{revoked} third-party authorisation(s) paused by a withdrawal revoked.")
