"""Start-up checks of the audit app.

AUDIT_MAC_KEY still holds the key that sealed the newest audit entries: replacing the key instead of
putting the new one first (`AUDIT_MAC_KEY=<new>,<old>`) would make every later verification report the
trail broken; like a wrong encryption key (subjects/checks.py), it stops `check`, `migrate`, scripts/run
and Celery at start-up instead.

UNUSUAL_ACCESS_CUSTOMERS is a whole number of 1 or more: at 0 or less the unusual-access sweep would
report every staff member to the DPOs every hour, burying the walk through customers it is for.
"""
from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from audit.hashing import UNKEYED, mac_keys
from audit.models import AuditEntry
from core.checks import KEYS_TAG


@checks.register(KEYS_TAG)
def check_audit_key_verifies_the_newest_entries(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        newest = (
            AuditEntry.objects.exclude(mac_key_id=UNKEYED).order_by("-sequence")
            .values_list("mac_key_id", flat=True).first()
        )
    except DatabaseError:
        return []  # no table or column yet: migrate reports or adds it
    if newest is None or newest in mac_keys():
        return []
    return [checks.Error(
        "AUDIT_MAC_KEY does not include the key that sealed the newest audit entries: "
        "the audit trail would no longer verify.",
        hint="Keep the previous key listed after the new one: AUDIT_MAC_KEY=<new>,<old>.",
        obj="audit.AuditEntry", id="audit.E001",
    )]


@checks.register()
def unusual_access_customers_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    customers = settings.UNUSUAL_ACCESS_CUSTOMERS
    # bool is an int to Python, and True would read as a bar of one customer.
    if type(customers) is int and customers >= 1:
        return []
    return [checks.Error(
        f"UNUSUAL_ACCESS_CUSTOMERS is {customers!r}: it must be a whole number of customers, 1 or more, "
        "or every staff member would be reported to the DPOs as looking at unusually many customers.",
        hint="Set it to how many different customers in an hour are unusual for one staff member "
             "(the default is 50; docs/deployment.md).",
        id="audit.E002",
    )]
