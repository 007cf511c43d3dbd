"""`manage.py link_staff_customer LOGIN CIF --reason "..."`: record, from the bank's HR file, that a member
of staff is also the customer with this customer number, so that as staff they cannot act on their own
record, their ward's or their guardian's (`subjects.staff_records.own_record_check`)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.actors import Actor
from core.errors import DomainError
from subjects.staff_records import staff_customer_record_link


class Command(BaseCommand):
    help = "Record that a staff login is also the customer with this CIF (from the HR file)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff member's login.")
        parser.add_argument("external_ref", help="Their customer number (CIF).")
        parser.add_argument(
            "--reason", required=True, help="Where the link comes from (the HR file's reference)."
        )

    def handle(self, *args, username, external_ref, reason, **options):
        try:
            staff_customer_record_link(
                actor=Actor.system("link_staff_customer"), username=username, external_ref=external_ref,
                reason=reason,
            )
        except DomainError as error:
            raise CommandError(error.text) from None
        self.stdout.write(f"{username} linked to their customer record.")
