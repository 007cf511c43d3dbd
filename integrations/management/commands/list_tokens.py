"""`manage.py list_tokens [USERNAME]`: the API tokens, live and revoked, with their last days; never a key
or its hash."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from integrations.selectors import token_list

_COLUMNS = ("PREFIX", "USER", "NAME", "SCOPES", "CREATED", "LAST-DAY", "REVOKED")


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = ("List API tokens (prefix, user, name, scopes, created, last day, revoked), newest first. "
            "Times are in TIME_ZONE. Revoke one with: manage.py revoke_token PREFIX")

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="Only this user's tokens.")
        parser.add_argument("--live", action="store_true", help="Leave out revoked and expired tokens.")

    def handle(self, *args, username=None, live=False, **options):
        if username and not get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"No user named {username!r}.")
        tokens = token_list(username=username, live_at=timezone.now() if live else None)
        rows = [
            (t.prefix, t.user.get_username(), t.name or "-", ",".join(t.scopes) or "-",
             _when(t.created_at), t.last_day.isoformat() if t.last_day else "-", _when(t.revoked_at))
            for t in tokens
        ]
        if not rows:
            self.stderr.write("No API tokens" + (f" for {username}." if username else "."))
            return
        widths = [max(len(str(row[i])) for row in [_COLUMNS, *rows]) for i in range(len(_COLUMNS))]
        for row in [_COLUMNS, *rows]:
            cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
