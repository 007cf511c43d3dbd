"""`manage.py revoke_token PREFIX [--user USERNAME]`: revoke the one live API token with that prefix.

The prefix is the first 8 characters of the key, as `list_tokens` and the DPO's token page show
it. Other workers refuse the token within API_TOKEN_CACHE_SECONDS (integrations/principals.py).
One key in 64 starts with "-", which the shell's argument parser would read as an option: put
`--` before such a prefix (`manage.py revoke_token -- -AbC1234`); it is safe before any prefix.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.actors import Actor
from integrations.models import ApiToken
from integrations.selectors import token_with_prefix
from integrations.services import token_revoke

PREFIX_LENGTH = ApiToken._meta.get_field("prefix").max_length


class Command(BaseCommand):
    help = ("Revoke the live API token whose key starts with PREFIX (8 characters, see list_tokens). "
            "A prefix starting with '-' goes after '--': revoke_token -- -AbC1234")

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="The first 8 characters of the key, as list_tokens shows them.")
        parser.add_argument("--user", dest="username",
                            help="Only that user's token (when two live tokens share a prefix).")

    def handle(self, *args, prefix, username=None, **options):
        prefix = prefix.strip().rstrip("…")
        if len(prefix) != PREFIX_LENGTH:
            raise CommandError(
                f"A token prefix is the first {PREFIX_LENGTH} characters of the key (as list_tokens "
                f"shows it); {prefix!r} has {len(prefix)}."
            )
        tokens = token_with_prefix(prefix)
        if username:
            tokens = tokens.filter(user__username=username)
        tokens = list(tokens)
        live = [t for t in tokens if t.revoked_at is None]
        owner = f" of user {username!r}" if username else ""
        if not tokens:
            raise CommandError(f"No API token{owner} starts with {prefix!r}. See: manage.py list_tokens")
        if not live:
            when = timezone.localtime(tokens[0].revoked_at).strftime("%Y-%m-%d %H:%M")
            self.stderr.write(f"Token {prefix}…{owner} was already revoked on {when}; nothing to do.")
            return
        if len(live) > 1:
            users = ", ".join(sorted({t.user.get_username() for t in live}))
            raise CommandError(
                f"{len(live)} live API tokens start with {prefix!r} (users: {users}); nothing was revoked. "
                "Add --user USERNAME, or revoke it on the DPO's page Portal → API tokens."
            )
        token = token_revoke(actor=Actor.system("revoke_token"), token=live[0])
        self.stdout.write(
            f"Revoked token {token.prefix}… of {token.user.get_username()}"
            + (f" ({token.name})" if token.name else "")
            + "; other workers refuse it within a few seconds."
        )
