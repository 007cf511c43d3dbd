"""`manage.py axes_reset_username USERNAME [USERNAME ...]`: unlock locked sign-ins from a terminal.

Takes the place of django-axes' own command of this name (settings.INSTALLED_APPS lists `axes` after
the project's apps for that), which clears the attempts without an audit entry: this one goes through
`accounts.services.sign_in_unlock`, so the terminal's unlock is audited as the DPO's page's is."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import sign_in_unlock
from core.actors import Actor


class Command(BaseCommand):
    help = "Unlock the sign-ins of the given usernames (clear their failed attempts), audited."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="+", type=str)

    def handle(self, *args, username, **options):
        actor = Actor.system("axes_reset_username")
        count = sum(sign_in_unlock(actor=actor, username=name) for name in username)
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
