"""A former customer past the bank's retention (`dsr.selectors.former_customers`) is erased as a
completed deletion erases: the platform's own fields of every category (a deletion record each), every
copy beside them, every recipient that may still hold the data told to delete it, every live consent
withdrawn and third-party access revoked; one transaction per customer, with its audit entry. What
proves past processing stays (consent proof, the audit trail, the requests' dates and outcomes), as after
a deletion. The nightly job runs it once the bank turns it on (`FORMER_CUSTOMERS_ERASED_AFTER_RETENTION`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from authorisations.services import authorisations_revoke_for_subject_locked
from consents.models import Channel
from consents.services import consents_withdraw_for_subject_in_transaction, duties_open_for_erasure
from core.actors import Actor
from deadlines.policy import LOCAL_TZ
from dsr.selectors.former_customers import former_customers_past_retention
from dsr.selectors.inventory import platform_system
from dsr.services.deletion import corrected_last_day
from dsr.services.erasure import erase, platform_copies_erase
from subjects.locks import subjects_locked
from subjects.models import DataSubject

# The `source` the erasure's withdrawals, duties and revocations record: no request is behind them.
RETENTION_SOURCE = "dsr.retention"
FORMER_CUSTOMERS_ERASE_BATCH = 100


def former_customers_erase_due(
    *, now: datetime | None = None, limit: int = FORMER_CUSTOMERS_ERASE_BATCH
) -> int:
    """Erase up to `limit` former customers past retention, each in its own transaction, re-checked
    under the customer's lock (a request filed, a hold placed or the relationship's end corrected since
    the list was read leaves them). Returns how many were erased: a full batch means run again; one
    erased is not listed again, so a run stopped halfway resumes where it stopped. Nothing without the
    platform in the inventory (a deletion is refused then too)."""
    platform = platform_system()
    if platform is None:
        return 0
    today = timezone.localtime(now or timezone.now(), LOCAL_TZ).date()
    actor = Actor.system("dsr.former_customers_erase_due")
    due = former_customers_past_retention(today=today)
    erased = 0
    # The list is read again while the batch is not full: one left out under the lock is no longer
    # listed (the same query, committed), so a skip neither cuts the batch short (the job would not queue
    # itself again) nor comes back.
    while erased < limit:
        listed = list(due.values_list("pk", flat=True)[: limit - erased])
        if not listed:
            break
        for subject_id in listed:
            with transaction.atomic(durable=True):
                subject = subjects_locked(pk=subject_id).first()
                if not due.filter(pk=subject_id).exists():
                    continue
                _former_customer_erase(subject, platform=platform, actor=actor, now=now or timezone.now())
            erased += 1
    return erased


def _former_customer_erase(subject, *, platform, actor: Actor, now: datetime) -> None:
    categories = list(platform.categories.order_by("code"))
    for category in categories:
        erase(subject.pk, category=category, system=platform, actor=actor, now=now)
    platform_copies_erase(subject.pk, actor=actor, now=now, request=None)
    # Read afresh: what follows must not write to a phone or e-mail erased just now.
    subject.refresh_from_db()
    # As a completed deletion: recipients told to delete (no hold keeps anything now), then the consents
    # withdrawn, after the erasure, which would otherwise empty what the withdrawal records.
    duties_open_for_erasure(actor=actor, subject=subject, source=RETENTION_SOURCE, now=now)
    consents_withdraw_for_subject_in_transaction(
        # No person acted: the platform's own act, recorded as the integrations' channel.
        actor=actor, subject=subject, channel=Channel.API, source=RETENTION_SOURCE, now=now
    )
    authorisations_revoke_for_subject_locked(actor=actor, subject=subject, source=RETENTION_SOURCE, now=now)
    subject.retention_erased_at = now
    subject.save(update_fields=["retention_erased_at", "updated_at"])
    audit_record(
        action="dsr.former_customer.erased",
        actor=actor,
        subject=subject.pk,
        target=subject,
        now=now,
        data={
            "relationship_ended_on": subject.relationship_ended_on.isoformat(),
            "categories": [category.code for category in categories],
        },
    )


def retention_mark_follow_relationship(
    *, subject: DataSubject, changed: frozenset, before: Mapping[str, Any], now: datetime, **kwargs: Any
) -> None:
    """After a rectification (`subjects.follow_ups`), in its transaction: a relationship's end brought
    forward, or set, keeps the customer from the erasure through the grace a legal hold's end so
    corrected gets (`corrected_last_day`): a year mistyped the wrong way would otherwise erase them that
    night, irreversibly. A customer erased after the retention who came back starts a new relationship:
    its end cleared, or set later than the day of the erasure, takes the mark off
    (`retention_erased_at`), so the new relationship's end counts and its retention erases them again;
    a correction of the erased relationship's own end keeps it. The rectification's audit entry records
    the change of the end."""
    if "relationship_ended_on" not in changed:
        return
    today = timezone.localtime(now, LOCAL_TZ).date()
    ended_on = subject.relationship_ended_on
    subject.retention_kept_through = corrected_last_day(
        ended_on, previous=before.get("relationship_ended_on"), today=today
    )
    erased_at = subject.retention_erased_at
    came_back = erased_at is not None and (
        ended_on is None or ended_on > timezone.localtime(erased_at, LOCAL_TZ).date()
    )
    if came_back:
        subject.retention_erased_at = None
    subject.save(update_fields=["retention_kept_through", "retention_erased_at", "updated_at"])
