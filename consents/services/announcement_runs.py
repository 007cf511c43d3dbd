"""The announcements job, and what becomes of an announcement it cannot move.

Every run (hourly, `regulator.run_announcements`) sends the announcements whose day has come and, once
a material version is in effect, asks the customers still on an older version for fresh consent. A
step that raises is rolled back whole; its failure is then written on the announcement in a
transaction of its own, with its audit entry: how many times in a row, the error's kind and place
(never its message) and when the job may try again, after a wait that doubles from five minutes. The
runs take first what never failed and skip what is waiting, so announcements that keep failing never
hold back the others behind them, however many. After `ATTEMPTS_BEFORE_PARKING` failures in a row the
step is parked (`consents.states.ANNOUNCEMENT_PARKED`, "needs attention"): the job leaves it, the DPO
sees it on the announcements page and the dashboard, and puts it back by hand (`announcement_retry`).

The DPO's "Send now" (`announcement_send_now`, page and API) is one more attempt under the same rule: a
send that fails there is recorded as the job records its own, and the job takes it up after the wait.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.models import NoticeAnnouncement
from consents.services.announcements import (
    FAILURES_CLEARED,
    announcement_ask_locked,
    announcement_locked,
    announcement_send,
    announcement_send_locked,
    announcement_transition,
)
from consents.states import ANNOUNCEMENT_PARKED, ANNOUNCEMENT_RETRY_TO
from core.actors import Actor
from core.errors import Conflict, DomainError, Unavailable
from core.retries import doubling_wait, error_summary

logger = logging.getLogger(__name__)

# A step that fails this many times in a row is bad data or a lasting fault, not a passing outage (the
# job runs hourly, so about four hours): it waits for the DPO instead of being tried for ever.
ATTEMPTS_BEFORE_PARKING = 5
# The wait after a failure: five minutes, doubling with each further failure, six hours at most.
RETRY_FIRST_WAIT = timedelta(minutes=5)
RETRY_LONGEST_WAIT = timedelta(hours=6)


def announcement_retry_wait(attempts: int) -> timedelta:
    """How long the job leaves an announcement alone after its `attempts`-th failure in a row."""
    return doubling_wait(attempts, first=RETRY_FIRST_WAIT, longest=RETRY_LONGEST_WAIT)


def announcements_run_due(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """The job: send announcements whose day has come, then ask for fresh consent once in effect.

    Each announcement is its own transaction, so one failure does not hold back the others: it is
    rolled back whole, logged with its id and traceback, counted in `failed` and recorded on the
    announcement (`announcement_failure_record`). Each is locked and read again before it moves: one
    another run (a second worker, a re-enqueued task) moved meanwhile is skipped, not refused."""
    now = now or timezone.now()
    actor = Actor.system("announcements")
    done = {"sent": 0, "asked": 0, "failed": 0}
    Status = NoticeAnnouncement.Status
    # A send that failed before its day (the DPO's "Send now") is carried on once its wait is over, as
    # the DPO asked for it then, not on the day it was scheduled for.
    send_due = Q(send_at__lte=now) | Q(next_attempt_at__isnull=False)
    steps = (
        ("sent", Status.SCHEDULED, announcement_send_locked, send_due, "send_at"),
        (
            "asked",
            Status.SENT,
            announcement_ask_locked,
            Q(notice__effective_at__lte=now),
            "notice__effective_at",
        ),
    )
    for outcome, status, step, due, order in steps:
        pending = (
            NoticeAnnouncement.objects.filter(due, status=status)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            # What never failed goes first: a batch full of announcements that keep failing would
            # otherwise be all each run ever reaches.
            .order_by("attempts", order, "pk")
        )
        for pk in list(pending.values_list("pk", flat=True)[:limit]):
            try:
                moved = _run_step(pk, status=status, step=step, actor=actor, now=now)
            except SoftTimeLimitExceeded:
                raise  # the task's time is up: stop here, the next run carries on
            except Exception as error:
                done["failed"] += 1
                _failure_keep(pk, status=status, error=error, actor=actor, now=now)
            else:
                done[outcome] += moved
    return done


def _run_step(
    announcement_id,
    *,
    status: str,
    step: Callable[..., None],
    actor: Actor,
    now: datetime,
) -> bool:
    """`step` on the announcement, in its own transaction, if once locked it is still in `status` and
    not waiting after a failure; False when another run moved it, or failed it, meanwhile."""
    with transaction.atomic(durable=True):
        announcement = announcement_locked(announcement_id)
        waiting = announcement.next_attempt_at is not None and announcement.next_attempt_at > now
        if announcement.status != status or waiting:
            return False
        step(announcement, actor=actor, now=now)
    return True


def announcement_send_now(
    *, actor: Actor, announcement_id, now: datetime | None = None
) -> NoticeAnnouncement:
    """The DPO's "Send now" (page and API): `announcement_send` at once, whatever wait an earlier failure
    set. A send that fails (the mail server down, anything the notifier raises) is rolled back whole and
    kept as the job keeps its own failures (`_failure_keep`: the wait before the job's next attempt, or
    parked after `ATTEMPTS_BEFORE_PARKING` in a row), then refused with `Unavailable` (503) saying that
    nothing was sent and what happens next. A refusal (no such announcement, sent already) is raised as
    it is and counts as no failure."""
    now = now or timezone.now()
    status = NoticeAnnouncement.Status.SCHEDULED
    try:
        return announcement_send(actor=actor, announcement_id=announcement_id, now=now)
    except DomainError:
        raise
    except Exception as error:
        kept = _failure_keep(announcement_id, status=status, error=error, actor=actor, now=now)
        raise _not_sent(kept, status=status, now=now) from error


def _not_sent(announcement: NoticeAnnouncement | None, *, status: str, now: datetime) -> Unavailable:
    """What the person who pressed "Send now" is told of a send that failed and was kept as `announcement`
    (None when it could not be recorded: the job then simply tries again at its next run)."""
    code = "announcement_not_sent"
    if announcement is not None and announcement.status == ANNOUNCEMENT_PARKED[status]:
        return Unavailable(
            _(
                "The announcement was not sent: sending it failed %(attempts)s times in a row, and no "
                "customer was told. It now needs attention: find the cause, then press Retry."
            ),
            code=code,
            attempts=announcement.attempts,
        )
    if announcement is not None and announcement.next_attempt_at is not None:
        return Unavailable(
            _(
                "The announcement was not sent: sending it failed, and no customer was told. The "
                "announcements job tries again from %(when)s."
            ),
            code=code,
            when=timezone.localtime(announcement.next_attempt_at).strftime("%d/%m/%Y %H:%M"),
            retry_after=max(1, math.ceil((announcement.next_attempt_at - now).total_seconds())),
        )
    return Unavailable(
        _(
            "The announcement was not sent: sending it failed, and no customer was told. The "
            "announcements job tries again at its next run."
        ),
        code=code,
    )


def _failure_keep(
    announcement_id, *, status: str, error: Exception, actor: Actor, now: datetime
) -> NoticeAnnouncement | None:
    """Log the failure with its traceback and record it (`announcement_failure_record`); one that
    cannot be recorded (the database gone too) is logged, and None returned, so that the job goes on to
    the next announcement."""
    logger.error("announcement %s failed", announcement_id, exc_info=error)
    try:
        return announcement_failure_record(
            actor=actor, announcement_id=announcement_id, status=status, error=error, now=now
        )
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("the failure of announcement %s could not be recorded", announcement_id)
        return None


def announcement_failure_record(
    *, actor: Actor, announcement_id, status: str, error: BaseException, now: datetime | None = None
) -> NoticeAnnouncement:
    """Write on the announcement that its step from `status` failed, in a transaction of its own (the
    step's was rolled back), with the audit entry: one more failure in a row, the error's summary, and
    the time of the next attempt; the `ATTEMPTS_BEFORE_PARKING`-th failure parks it instead. Nothing
    is written when the announcement left `status` meanwhile (another run or the DPO moved it)."""
    now = now or timezone.now()
    summary = error_summary(error)
    with transaction.atomic(durable=True):
        announcement = announcement_locked(announcement_id)
        if announcement.status != status:
            return announcement
        attempts = announcement.attempts + 1
        notice = announcement.notice
        failed = {"attempts": attempts, "last_error": summary, "last_failed_at": now}
        data = {
            "purpose": notice.purpose.code,
            "version": notice.version,
            "status": status,
            "attempts": attempts,
            "error": summary,
        }
        if attempts >= ATTEMPTS_BEFORE_PARKING:
            return announcement_transition(
                announcement,
                actor=actor,
                to=ANNOUNCEMENT_PARKED[status],
                now=now,
                changes={**failed, "next_attempt_at": None},
                audit_action="consents.announcement.parked",
                data=data,
            )
        next_attempt_at = now + announcement_retry_wait(attempts)
        for name, value in {**failed, "next_attempt_at": next_attempt_at}.items():
            setattr(announcement, name, value)
        announcement.save(update_fields=[*failed, "next_attempt_at"])
        audit_record(
            action="consents.announcement.attempt_failed",
            actor=actor,
            target=announcement,
            now=now,
            data={**data, "next_attempt_at": next_attempt_at.isoformat()},
        )
    return announcement


def announcement_retry(*, actor: Actor, announcement_id, now: datetime | None = None) -> NoticeAnnouncement:
    """The DPO puts a parked announcement back where it was (scheduled, or sent and waiting to ask for
    fresh consent) with no failure behind it: the job's next run takes it up again."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        announcement = announcement_locked(announcement_id)
        to = ANNOUNCEMENT_RETRY_TO.get(announcement.status)
        if to is None:
            raise Conflict(_("Only an announcement that needs attention can be retried."), code="not_parked")
        notice = announcement.notice
        return announcement_transition(
            announcement,
            actor=actor,
            to=to,
            now=now,
            changes=FAILURES_CLEARED,
            audit_action="consents.announcement.retried",
            data={
                "purpose": notice.purpose.code,
                "version": notice.version,
                "attempts": announcement.attempts,
                "error": announcement.last_error,
            },
        )
