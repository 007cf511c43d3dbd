"""Whether a verification of the whole chain asked for on the trail page still runs. It runs in a worker
for minutes (`audit.tasks.verify_chain`); the request is an entry of the trail
(`audit.services.audit_chain_full_check_ask`), so every staff member's page reads the same answer from
the record, and a second walk of the bank's whole trail is not started while one runs."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors.outcomes import CHAIN_FULL, CHAIN_OUTCOMES, CHAIN_UNFINISHED

FULL_CHECK_ASKED = "audit.chain.full_check_asked"
# How long a check asked for may go without an outcome before it counts as lost (its worker killed, a
# deploy, the broker emptied: nothing recorded): the task's hard time limit
# (`audit.tasks.WHOLE_CHAIN_TIME_LIMIT`, 30 minutes) and as long again waiting in the queue.
FULL_CHECK_LOST_AFTER = timedelta(hours=1)


def _last_asked(*, before_sequence: int | None) -> AuditEntry | None:
    asked = AuditEntry.objects.filter(action=FULL_CHECK_ASKED)
    if before_sequence is not None:
        asked = asked.filter(sequence__lt=before_sequence)
    return asked.order_by("-sequence").first()


def _ended(asked: AuditEntry) -> bool:
    """A whole-chain outcome, or a whole-chain check's stop at its time limit, recorded after it: the
    check asked for, or one that answers the same question (the weekly job)."""
    return AuditEntry.objects.filter(
        action__in=(*CHAIN_OUTCOMES, CHAIN_UNFINISHED), data__scope=CHAIN_FULL, sequence__gt=asked.sequence
    ).exists()


def audit_chain_full_check_running(
    *, now: datetime | None = None, before_sequence: int | None = None
) -> AuditEntry | None:
    """The request (its trail entry: who asked, when) of the whole-chain check still running: the last
    one asked for (before entry #`before_sequence`, when given), with no outcome recorded after it and
    asked less than `FULL_CHECK_LOST_AFTER` ago; None when none runs."""
    now = now or timezone.now()
    asked = _last_asked(before_sequence=before_sequence)
    if asked is None or asked.recorded_at <= now - FULL_CHECK_LOST_AFTER or _ended(asked):
        return None
    return asked


def audit_chain_full_check_lost(*, now: datetime | None = None) -> AuditEntry | None:
    """The request of the last whole-chain check asked for, when it recorded no outcome within
    `FULL_CHECK_LOST_AFTER` (its worker lost); None otherwise."""
    now = now or timezone.now()
    asked = _last_asked(before_sequence=None)
    if asked is None or asked.recorded_at > now - FULL_CHECK_LOST_AFTER or _ended(asked):
        return None
    return asked
