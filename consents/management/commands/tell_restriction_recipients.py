"""`manage.py tell_restriction_recipients`: once, after upgrading to the release in which a restriction or
objection tells the recipients that received the customer's data to stop: tells those of every
restriction and objection already in force."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from consents.services import restriction_recipients_catch_up
from core.actors import Actor


class Command(BaseCommand):
    help = (
        "Tell the recipients of every restriction and objection in force, put in force before recipients "
        "were told, that they must stop processing. Safe to run again: a recipient already told is not "
        "told twice."
    )

    def handle(self, *args, **options):
        told = restriction_recipients_catch_up(actor=Actor.system("tell_restriction_recipients"))
        self.stdout.write(f"{told} recipient(s) told to stop under a restriction or objection.")
