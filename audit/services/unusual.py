"""Noticing a staff member who looks at many customers in a short time: a departing officer walking
through a branch's customers, an agent searching one famous customer after another's neighbours. Every
look is already in the trail (`core.subject.viewed`, one entry per customer, lists included); this sweep
reads those entries after the fact, so the pages and the API pay nothing more for it (Law 91 / Decree
356: the controller detects and stops unauthorised access; "who used it is responsible")."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.models import AuditEntry
from audit.services.trail import audit_chain_head_lock, audit_record
from audit.signals import unusual_access
from core.actors import Actor, ActorKind

VIEWED = "core.subject.viewed"
UNUSUAL_ACCESS = "audit.access.unusual"
UNUSUAL_ACCESS_WINDOW = timedelta(hours=1)
SWEEP_JOB = "audit.unusual_access_sweep"
# An entry of a staff member's that names many customers at once (the request queue's CSV: one entry for
# thousands of requests) keeps here how many different customers it named, for this sweep to count.
CUSTOMERS_NAMED = "customers_named"


def audit_unusual_access_sweep(*, now: datetime | None = None) -> int:
    """Record, and tell the DPO (`unusual_access`), each staff member who looked at
    `settings.UNUSUAL_ACCESS_CUSTOMERS` or more different customers within the last
    `UNUSUAL_ACCESS_WINDOW` (one by one, or named at once in an export), once per window: someone
    already noticed within it is not noticed again.
    Returns how many were noticed."""
    now = now or timezone.now()
    since = now - UNUSUAL_ACCESS_WINDOW
    staff_entries = AuditEntry.objects.filter(
        # Staff only: an integration client reads thousands of customers an hour by design.
        recorded_at__gt=since, recorded_at__lte=now, actor_kind=ActorKind.STAFF, actor_user_id__isnull=False,
    )
    # Counted before the chain head is held: an hour of looks is a long read, and every audit write in the
    # platform waits on that lock.
    counted = _customers_looked_at(staff_entries)
    with transaction.atomic(durable=True):
        # Held before reading who was noticed, so a second sweep running at once reads this one's entries
        # and notices no one twice.
        audit_chain_head_lock()
        # By the id the entry keeps, not its target: a login deleted before the sweep leaves no target.
        noticed = set(
            AuditEntry.objects.filter(action=UNUSUAL_ACCESS, recorded_at__gt=since)
            .values_list("data__user_id", flat=True)
        )
        fresh = [row for row in counted if row["actor_user_id"] not in noticed]
        staff = get_user_model().objects.in_bulk([row["actor_user_id"] for row in fresh])
        for row in fresh:
            entry = audit_record(
                action=UNUSUAL_ACCESS, actor=Actor.system(SWEEP_JOB), target=staff.get(row["actor_user_id"]),
                data={"user_id": row["actor_user_id"], "who": row["actor_label"],
                      "customers": row["customers"], "since": since.isoformat(), "until": now.isoformat()},
                now=now,
            )
            unusual_access.send(sender=audit_unusual_access_sweep, entry=entry)
    return len(fresh)


def _customers_looked_at(staff_entries) -> list[dict]:
    """Each staff member at or over the bar: the different customers they looked at one by one, or the
    most one export of theirs named if more. Exports are not added up: the same queue downloaded twice,
    or customers both looked at and downloaded, are not more customers; the larger is a floor."""
    bar = settings.UNUSUAL_ACCESS_CUSTOMERS
    counted: dict[int, dict] = {
        row["actor_user_id"]: row
        for row in staff_entries.filter(action=VIEWED)
        .values("actor_user_id", "actor_label")
        .annotate(customers=Count("subject_id", distinct=True))
        .filter(customers__gte=bar)
    }
    exports = staff_entries.filter(data__has_key=CUSTOMERS_NAMED).values_list(
        "actor_user_id", "actor_label", f"data__{CUSTOMERS_NAMED}"
    )
    for user_id, label, named in exports:
        known = counted.get(user_id)
        if named >= bar and (known is None or named > known["customers"]):
            counted[user_id] = {"actor_user_id": user_id, "actor_label": label, "customers": named}
    return [counted[user_id] for user_id in sorted(counted)]
