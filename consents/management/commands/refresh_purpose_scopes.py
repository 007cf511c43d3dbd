"""`manage.py refresh_purpose_scopes`: after an upgrade that derives more of a purpose's scope, give
each purpose the widening version its customers must be told of (`purpose_scopes_refresh`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from consents.services import purpose_scopes_refresh
from core.actors import Actor


class Command(BaseCommand):
    help = (
        "Schedule, 30 days ahead and announced, the new version of every purpose whose scope today's "
        "rules read wider than its customers were told; list the purposes the DPO must change first. "
        "Running it again changes nothing. "
        "Exit status: 0 when versions were scheduled or none was needed (purposes the DPO must change, "
        "if any, are listed); 1 when every purpose to refresh was refused and nothing was scheduled."
    )

    def handle(self, *args, **options):
        refreshed = purpose_scopes_refresh(actor=Actor.system("refresh_purpose_scopes"))
        for code, version in refreshed.items():
            if version is None:
                self.stdout.write(f"{code}: refused by today's rules; the DPO must change it")
            else:
                self.stdout.write(f"{code}: version {version} scheduled and announced")
        self.stdout.write(f"{len(refreshed)} purposes to refresh")
        if refreshed and all(version is None for version in refreshed.values()):
            raise CommandError(
                f"All {len(refreshed)} purposes were refused by today's rules; nothing was scheduled."
            )
