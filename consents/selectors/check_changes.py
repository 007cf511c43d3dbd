"""Which customers turned to "no" for a purpose since a moment: what a campaign sent over days asks
before each send, so the agency stops contacting whoever withdrew, objected or lapsed since it checked
its list (the bank's 72 hours), without checking the whole list again.

A change is read from when it was recorded, not from the day it takes effect: a paper withdrawal keyed
in today but signed three days ago, or a child's consent stopped at the start of their birthday, was
not known to the agency when it pulled its list that morning. A change that reaches every customer (a
widening in effect, the purpose no longer offered) or more than a campaign check takes asks for the
whole list to be checked again instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from consents.catalogue import PurposeEntry
from consents.models import ConsentState, ProcessingRestriction
from consents.selectors.check import BULK_CHECK_LIMIT, BULK_CHUNK, consent_check_subjects, purpose_or_404
from consents.selectors.rule import CheckResult, Reason, names_recipient
from subjects.models import DataSubject

# How long a write may take to commit after it stamped its rows; one written that long before `since`
# and listed again is already "no" in the answer the agency holds, so the overlap only repeats it.
COMMIT_LAG = timedelta(minutes=5)
# More customers changed than one campaign check answers: check the whole list again.
TOO_MANY_CHANGES = "too_many_changes"


@dataclass(frozen=True)
class CheckChanges:
    """`not_allowed`: by CIF, in CIF order, the customers whose answer changed since and is "no" now;
    `recheck_list`: why the whole list must be checked again (`consent_check_bulk`), or None."""

    not_allowed: dict[str, CheckResult]
    recheck_list: str | None
    checked_at: datetime


def _whole_list_reason(
    purpose: PurposeEntry, *, since: datetime, now: datetime, recipients: frozenset[int] | None
) -> str | None:
    """A change that turns every customer's answer: the purpose withdrawn from offer, a version in force
    that does not name the asking client's recipient (whenever it took effect: every customer on the list
    is "no" for it), or a widening that took effect since (consents to the versions before it are asked
    again)."""
    if not purpose.in_force(now).active:
        return Reason.PURPOSE_INACTIVE
    if recipients is not None and not names_recipient(purpose.scope_in_force(now), recipients):
        return Reason.RECIPIENT_NOT_NAMED
    widened = any(n.material and since < n.effective_at and n.in_force_by(now) for n in purpose.notices)
    return Reason.RECONSENT_REQUIRED if widened else None


def _changed_subject_ids(purpose: PurposeEntry, *, since: datetime, now: datetime) -> set:
    """The customers whose answer for the purpose may have changed since: their consent's row rewritten
    (a withdrawal, a void, a stop, a recorded expiry, a new answer), a term run out meanwhile (the sweep
    may not have recorded it yet), or a restriction, objection or legal hold put in force. Rows written
    up to `COMMIT_LAG` before `since` count too: a transaction stamps its rows before it commits, so a
    check that read in between still saw the consent. At most one more than a campaign check takes,
    which is enough to know there are too many."""
    written_after = since - COMMIT_LAG
    states = ConsentState.objects.filter(purpose_id=purpose.id)
    rewritten = states.filter(updated_at__gt=written_after).values_list("subject_id", flat=True)
    lapsed = states.filter(expires_at__gt=since, expires_at__lte=now).values_list("subject_id", flat=True)
    restricted = (
        ProcessingRestriction.objects.filter(started_at__gt=written_after)
        .filter(Q(purpose__isnull=True) | Q(purpose_id=purpose.id))
        .values_list("subject_id", flat=True)
    )
    ids: set = set()
    for query in (rewritten, lapsed, restricted):
        ids.update(query[: BULK_CHECK_LIMIT + 1])
    return ids


def consent_check_changes(
    *,
    purpose_code: str,
    since: datetime,
    now: datetime | None = None,
    recipients: frozenset[int] | None = None,
) -> CheckChanges:
    """The customers whose answer for the purpose turned to "no" since `since`, by the one rule
    (`consent_check_subjects`, for the client answering for `recipients`), or why the whole list must be
    checked again."""
    now = now or timezone.now()
    purpose = purpose_or_404(purpose_code)
    recheck = _whole_list_reason(purpose, since=since, now=now, recipients=recipients)
    if recheck is not None:
        return CheckChanges(not_allowed={}, recheck_list=recheck, checked_at=now)
    ids = sorted(_changed_subject_ids(purpose, since=since, now=now), key=str)
    if len(ids) > BULK_CHECK_LIMIT:
        return CheckChanges(not_allowed={}, recheck_list=TOO_MANY_CHANGES, checked_at=now)
    answers: dict[str, CheckResult] = {}
    for start in range(0, len(ids), BULK_CHUNK):
        chunk = DataSubject.objects.filter(pk__in=ids[start : start + BULK_CHUNK])
        answers.update(consent_check_subjects(purpose, chunk, now=now, recipients=recipients))
    not_allowed = {ref: answers[ref] for ref in sorted(answers) if not answers[ref].allowed}
    return CheckChanges(not_allowed=not_allowed, recheck_list=None, checked_at=now)
