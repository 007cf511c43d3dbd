"""A core-banking batch reading the consent feed (`consents.selectors.feed`), with the bank's record of each
page it pulled: one audit entry per page, never one per customer (a snapshot is a million rows), holding
who pulled, the purpose, the cursors it read between, the counts and the SHA-256 of the page's items as
the API gives them, which the batch keeps with its load.

Each "no" carries when the stop is due (`stop_by`): the bank's deadline for a withdrawal counted from when
the bank heard the "no" (`FeedItem.heard_at`: the withdrawal, the restriction's start; never the row's
write time, which a restamp moves), timed as the recipients' duties are (`processor_involved`) by the
policy as it stood when the bank heard it (`deadlines.history`: the DPO's later edit never moves it), so the
core knows which stops it must have applied by when; and the core's word that it applied them ends the
chain (`consent_feed_applied`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.selectors.check_changes import COMMIT_LAG
from consents.selectors.feed import (
    FEED_APPLIED,
    FeedItem,
    FeedPosition,
    consent_feed_page,
    feed_stops_covered,
)
from consents.services.campaign_checks import answer_digest
from consents.services.told import reason_told
from core.actors import Actor
from core.errors import InvalidInput
from deadlines.history import PolicyHistory
from deadlines.policy import WorkingCalendar, deadlines_for

FEED_READ = "consents.feed.read"
WITHDRAW = "withdraw"
NOT_GIVEN_YET = _(
    "The feed has given no cursor past its horizon yet; send the `next` of a page the batch loaded."
)
# A change older than this is past any stop deadline the policy table holds (Law 91's longest, a
# withdrawal with a processor and its extension, is 35 days): its stop is simply due, and timing each of a
# snapshot's million old refusals would cost queries for nothing.
STOP_DEADLINE_LOOKBACK = timedelta(days=60)


@dataclass(frozen=True)
class FeedAnswer:
    """The page as the API gives it, and its proof: the audit entry's id and the items' digest."""

    items: list[dict]
    next: str | None
    more: bool
    reload: str | None
    horizon: datetime
    checked_at: datetime
    proof: str
    digest: str


def _item(item: FeedItem, *, processor: bool, stop_by: datetime | None) -> dict:
    return {
        "subject": item.subject,
        "allowed": item.result.allowed,
        "reason": reason_told(item.result.reason, processor=processor),
        "status": item.status,
        "consent": item.consent,
        "notice_version": item.notice_version,
        "changed_at": item.changed_at.isoformat(),
        "stop_by": stop_by.isoformat() if stop_by else None,
    }


def _stop_by(item: FeedItem, *, now: datetime, stops: StopTimes) -> datetime | None:
    if item.result.allowed or item.heard_at < now - STOP_DEADLINE_LOOKBACK:
        return None
    return stops.due(item.heard_at)


class StopTimes:
    """The bank's withdrawal deadline of each stop from when it heard the "no", by the policy rows as they
    stood then (`PolicyHistory`: a later edit by the DPO applies to stops heard after it) and the working-day
    calendar from that day, read once for the page and once per day, whatever the number of stops; with the
    processor's period, as `duties_open_for_withdrawal` times the recipients' stops."""

    def __init__(self, *, now: datetime) -> None:
        self.since = now - STOP_DEADLINE_LOOKBACK
        self.calendars: dict[date, WorkingCalendar] = {}

    @cached_property
    def history(self) -> PolicyHistory:
        return PolicyHistory.since(WITHDRAW, self.since)

    def due(self, heard_at: datetime) -> datetime:
        day = timezone.localdate(heard_at)
        if day not in self.calendars:
            self.calendars[day] = WorkingCalendar.around(day)
        return deadlines_for(
            request_type=WITHDRAW, received_at=heard_at, policies=self.history.in_force(heard_at),
            calendar=self.calendars[day], processor_involved=True,
        ).due_at


def consent_feed_read(
    *, actor: Actor, purpose_code: str, after: FeedPosition | None, limit: int, processor: bool = False,
    recipients: frozenset[int] | None = None, now: datetime | None = None,
) -> FeedAnswer:
    """One page of the purpose's feed after `after`, recorded in the audit trail with its digest."""
    now = now or timezone.now()
    page = consent_feed_page(
        purpose_code=purpose_code, after=after, limit=limit, now=now, recipients=recipients
    )
    stops = StopTimes(now=now)
    items = [
        _item(item, processor=processor, stop_by=_stop_by(item, now=now, stops=stops))
        for item in page.items
    ]
    digest = answer_digest({"items": items})
    cursor = page.next.encoded() if page.next else None
    with transaction.atomic(durable=True):
        entry = audit_record(
            action=FEED_READ, actor=actor, now=now,
            data={
                "purpose": purpose_code, "after": after.encoded() if after else None, "next": cursor,
                "items": len(items), "not_allowed": sum(not i["allowed"] for i in items),
                "reload": page.reload, "answer_sha256": digest,
            },
        )
    return FeedAnswer(
        items=items, next=cursor, more=page.more, reload=page.reload, horizon=page.horizon, checked_at=now,
        proof=str(entry.pk), digest=digest,
    )


@dataclass(frozen=True)
class FeedApplied:
    """The core's word that it applied every answer of the feed up to `through` (write time), recorded."""

    applied_through: datetime
    acknowledged_at: datetime
    proof: str


def consent_feed_applied(
    *, actor: Actor, purpose_code: str, through: FeedPosition, now: datetime | None = None
) -> FeedApplied:
    """Record that the batch applied every answer its feed gave up to `through`: the end of the 72-hour
    chain for a core that reads the feed instead of the check. A stop whose `changed_at` is at or before
    `applied_through` was applied by `acknowledged_at`; late when that is after its `stop_by` (timed from
    when the bank heard it, as the feed gave it)."""
    now = now or timezone.now()
    if through.written_at > now - COMMIT_LAG:
        raise InvalidInput(NOT_GIVEN_YET, field="cursor")
    with transaction.atomic(durable=True):
        heard = feed_stops_covered(
            purpose_code, through=through, since=now - STOP_DEADLINE_LOOKBACK, now=now
        )
        stops = StopTimes(now=now)
        entry = audit_record(
            action=FEED_APPLIED, actor=actor, now=now,
            data={"purpose": purpose_code, "through": through.encoded(),
                  "applied_through": through.written_at.isoformat(), "applied_through_row": through.row,
                  "stops": len(heard), "stops_late": sum(stops.due(at) < now for at in heard)},
        )
    return FeedApplied(applied_through=through.written_at, acknowledged_at=now, proof=str(entry.pk))
