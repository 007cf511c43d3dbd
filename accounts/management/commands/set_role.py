"""`manage.py set_role USERNAME (--role ROLE [--until YYYY-MM-DD] | --none)`: the IT administrator grants,
changes or removes a staff login's role from a terminal (HR's leavers and movers, or the only DPO
leaving, when nobody is left to open Portal → Staff roles), through the page's service: audited
`core.user.role_changed` by the platform, with everything a change does there (tokens revoked, a
leaver's open requests back to the queue, a last day after which the role ends)."""
from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import user_by_username
from accounts.services import user_role_set
from core.actors import Actor
from core.errors import DomainError
from core.roles import STAFF_ROLES, Role

STAFF_ROLE_VALUES = sorted(role.value for role in STAFF_ROLES)


class Command(BaseCommand):
    help = "Grant, change or remove a staff login's role (audited)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        choice = parser.add_mutually_exclusive_group(required=True)
        choice.add_argument("--role", choices=STAFF_ROLE_VALUES)
        choice.add_argument("--none", action="store_true", help="Remove the role: the login reaches nothing.")
        parser.add_argument("--until", type=_day, help="The last day the role is held (YYYY-MM-DD).")

    def handle(self, *args, username, role, none, until, **options):
        user = user_by_username(username)
        if user is None:
            raise CommandError(f"No login is named {username}.")
        new_role = None if none else Role(role)
        try:
            user_role_set(actor=Actor.system("set_role"), user=user, role=new_role, until=until)
        except DomainError as error:
            raise CommandError(error.text) from None
        self.stdout.write(f"{username}: {new_role.label if new_role else 'no role'}"
                          + (f" until {until.isoformat()}" if until else "") + ".")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value} is not a day written YYYY-MM-DD.") from None
