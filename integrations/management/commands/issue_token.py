"""`manage.py issue_token USERNAME [--scope S ...]`: prints a new API token as the last line."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
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

    def handle(self, *args, username, name, scopes, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        token, key = token_issue(actor=Actor.system("issue_token"), user=user, name=name, scopes=scopes)
        self.stderr.write(f"Token {token.prefix}… for {username} with scopes {token.scopes}:")
        self.stdout.write(key)
