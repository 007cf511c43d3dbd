"""`manage.py create_login USERNAME --role ROLE [--email ...]`: a bank that starts without the demo data
makes its staff logins (DPO, privacy officers, branch and call-centre officers, auditors) and its
integration clients (core banking, mobile app) here, audited `core.user.created`, rather than in a
Django shell. A staff login gets a random password printed once, for the person to sign in with and
enrol their second factor; an integration client gets none and works with `issue_token`."""
from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError

from accounts.services import user_create
from core.actors import Actor
from core.errors import DomainError
from core.roles import STAFF_ROLES, Role

LOGIN_ROLES = sorted(role.value for role in (*STAFF_ROLES, Role.CLIENT))
# 24 URL-safe bytes: 32 characters, well past any guessing within the sign-in lock-out.
PASSWORD_BYTES = 24


class Command(BaseCommand):
    help = "Create a staff login or an integration client in its role (audited)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=LOGIN_ROLES)
        parser.add_argument("--email", default="", help="The staff member's work e-mail (reminders, alerts).")

    def handle(self, *args, username, role, email, **options):
        role = Role(role)
        password = None if role == Role.CLIENT else secrets.token_urlsafe(PASSWORD_BYTES)
        try:
            user_create(actor=Actor.system("create_login"), username=username, password=password,
                        role=role, email=email)
        except DomainError as error:
            raise CommandError(error.text) from None
        if password is None:
            self.stdout.write(f"Integration client {username} created; give it a token with "
                              f"`python manage.py issue_token {username} --scope ...`.")
            return
        self.stderr.write(f"Login {username} created as {role.label}. Hand over this password once; "
                          "the second factor is enrolled at the first sign-in:")
        self.stdout.write(password)
