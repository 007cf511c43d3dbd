"""`manage.py issue_token USERNAME [--scope S ...] [--expires YYYY-MM-DD]`: prints a new API token as
the last line."""
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
from core.errors import DomainError
from integrations.services import token_issue


class Command(BaseCommand):
    help = "Issue a new API token for a user or integration client and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'mobile app prod'.")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            help="Limit the token to a scope (repeatable); default: everything the role allows.",
        )
        parser.add_argument(
            "--expires",
            type=_day,
            metavar="YYYY-MM-DD",
            help="The token's last day (Vietnam time), valid through its end; default: until revoked.",
        )

    def handle(self, *args, username, name, scopes, expires=None, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            token, key = token_issue(
                actor=Actor.system("issue_token"), user=user, name=name, scopes=scopes, last_day=expires
            )
        except DomainError as refusal:
            raise CommandError(refusal.text) from None
        until = f", last day {token.last_day.isoformat()}" if token.last_day else ", no last day"
        self.stderr.write(f"Token {token.prefix}… for {username} with scopes {token.scopes}{until}:")
        self.stdout.write(key)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires takes a day as YYYY-MM-DD, not {value!r}.") from None
