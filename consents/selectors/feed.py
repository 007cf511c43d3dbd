"""The consent feed of one purpose for a core-banking batch: every customer's answer, page by page in the
order their state rows were written, from an opaque cursor the batch keeps between runs.

Started without a cursor it is the whole snapshot (a million customers come as pages of a few thousand,
never in one answer held in memory); started from the cursor of the last page a run loaded, it gives
every row rewritten since, once, whatever moment the change is dated (a paper withdrawal keyed in
today), and carries the allowed answer by the one rule, so a restriction or a death reads as "no".

A row is read only once it is older than `COMMIT_LAG` (the horizon): a transaction stamps its rows
before it commits, so a cursor moved past a row still uncommitted would skip it for good. Rows are
stamped as they are written (`state_written_at`), so the lag bounds a transaction's own length, not
a job's.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from datetime import datetime

from django.core import signing
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from consents.catalogue import PurposeEntry
from consents.models import (
    Consent,
    ConsentState,
    ConsentStatus,
    NoticeVersion,
    ProcessingRestriction,
    Purpose,
)
from consents.selectors.check import consent_check_subjects, purpose_or_404
from consents.selectors.check_changes import COMMIT_LAG
from consents.selectors.rule import RESTRICTION_REASONS, CheckResult, Reason
from core.errors import InvalidInput
from subjects.models import DataSubject

FEED_PAGE_DEFAULT = 1000
FEED_PAGE_MAX = 5000
# The core's acknowledgement (`consents.services.feed_reads.consent_feed_applied`): the next one counts the
# stops after the point the last one recorded.
FEED_APPLIED = "consents.feed.applied"
# The cursor is signed with the platform's key: a hand-made one could skip rows, silence a `reload`, or
# have the acknowledgement record the core's word for stops it never pulled.
CURSOR_SALT = "consents.feed.cursor"
BAD_CURSOR = _("This cursor was not given by the consent feed; start again without one or with the last "
               "`next` a run loaded.")

# `reload` when a purpose switched off was switched on again: the "no" (purpose_inactive) loaded since
# holds no more.
PURPOSE_REACTIVATED = "purpose_reactivated"
OTHER_PURPOSE_CURSOR = _(
    "This cursor belongs to the feed of the purpose “%(purpose)s”; each purpose keeps its own."
)


@dataclass(frozen=True)
class FeedPosition:
    """Where a page of a purpose's feed ended: the last row's write time and its key (two rows may share
    a moment), and `seen_through`, the horizon the page was read at: a version applied after it changed
    answers the run already loaded. The purpose is in the cursor: one purpose's cursor read for another
    would skip its rows."""

    purpose: str
    written_at: datetime
    row: int
    seen_through: datetime

    def encoded(self) -> str:
        text = f"{self.purpose}|{self.written_at.isoformat()}|{self.row}|{self.seen_through.isoformat()}"
        return signing.Signer(salt=CURSOR_SALT).sign(base64.urlsafe_b64encode(text.encode()).decode())


def feed_position_read(cursor: str, *, purpose_code: str) -> FeedPosition:
    """The position an encoded cursor of `purpose_code`'s feed names; a 400 on `cursor` for anything the
    feed did not give, or gave for another purpose."""
    try:
        text = base64.urlsafe_b64decode(signing.Signer(salt=CURSOR_SALT).unsign(cursor).encode()).decode()
        purpose, moment, row, seen = text.split("|")
        written_at, seen_through = parse_datetime(moment), parse_datetime(seen)
        aware = all(when is not None and when.tzinfo is not None for when in (written_at, seen_through))
        position = (
            FeedPosition(purpose=purpose, written_at=written_at, row=int(row), seen_through=seen_through)
            if aware else None
        )
    except (ValueError, binascii.Error, UnicodeError, signing.BadSignature):
        position = None
    if position is None:
        raise InvalidInput(BAD_CURSOR, field="cursor")
    if position.purpose != purpose_code:
        raise InvalidInput(OTHER_PURPOSE_CURSOR % {"purpose": position.purpose}, field="cursor")
    return position


@dataclass(frozen=True)
class FeedItem:
    subject: str
    result: CheckResult
    status: str
    consent: str
    notice_version: str
    changed_at: datetime
    # When the bank heard the "no" (the withdrawal, the end of the term, the restriction's start), which
    # its stop is timed from; `changed_at` for a "yes". A restamp moves `changed_at`, never this.
    heard_at: datetime


@dataclass(frozen=True)
class FeedPage:
    """`items` in write order; `next` the cursor to keep once they are loaded (the same position when the
    page is empty); `more`: another page is ready now; `horizon`: rows written after it wait; `reload`:
    why the answers loaded so far no longer hold and the snapshot must be read again from the start
    (then no items and no `next`), or None."""

    items: list[FeedItem]
    next: FeedPosition | None
    more: bool
    horizon: datetime
    checked_at: datetime
    reload: str | None = None


def _reload_reason(
    purpose: PurposeEntry, *, seen_through: datetime, horizon: datetime, recipients: frozenset[int] | None
) -> str | None:
    """A change since the run's last page that turns answers without rewriting a row: the purpose switched
    off or on again (its switch is read from the audit trail, as the check as of a moment reads it), a
    version applied that widens it (consents to the versions before it are asked again), or, for a
    recipient's own client, any version (it may no longer name the recipient)."""
    switched = AuditEntry.objects.filter(
        action="consents.purpose.updated", target_type=Purpose._meta.label_lower, target_id=str(purpose.id),
        data__changed__has_key="active", recorded_at__gt=seen_through, recorded_at__lte=horizon,
    )
    if switched.exists():
        return Reason.PURPOSE_INACTIVE if not purpose.active else PURPOSE_REACTIVATED
    applied = NoticeVersion.objects.filter(
        purpose_id=purpose.id, applied_at__gt=seen_through, applied_at__lte=horizon
    )
    if recipients is None:
        applied = applied.filter(material=True)
    return Reason.RECONSENT_REQUIRED if applied.exists() else None


def _keyset_after(written_at: datetime, row: int) -> Q:
    return Q(updated_at__gt=written_at) | Q(updated_at=written_at, pk__gt=row)


def consent_feed_page(
    *,
    purpose_code: str,
    after: FeedPosition | None,
    limit: int = FEED_PAGE_DEFAULT,
    now: datetime | None = None,
    recipients: frozenset[int] | None = None,
) -> FeedPage:
    """One page of the purpose's feed after `after` (from the start when None), each customer with the
    answer the consent check gives now (for the client answering for `recipients`)."""
    now = now or timezone.now()
    purpose = purpose_or_404(purpose_code)
    horizon = now - COMMIT_LAG
    rows = ConsentState.objects.filter(purpose_id=purpose.id, updated_at__lte=horizon)
    if after is not None:
        reload = _reload_reason(
            purpose, seen_through=after.seen_through, horizon=horizon, recipients=recipients
        )
        if reload is not None:
            return FeedPage(items=[], next=None, more=False, horizon=horizon, checked_at=now, reload=reload)
        # The plain range first lets the (purpose, updated_at) index start at the cursor; the OR only
        # settles the rows that share its moment.
        rows = rows.filter(updated_at__gte=after.written_at).filter(
            _keyset_after(after.written_at, after.row)
        )
    page = list(
        rows.order_by("updated_at", "pk").values_list(
            "pk", "subject_id", "status", "consent_id", "notice_id", "updated_at"
        )[: limit + 1]
    )
    more, page = len(page) > limit, page[:limit]
    refs = dict(DataSubject.objects.filter(pk__in=[row[1] for row in page]).values_list("pk", "external_ref"))
    answers = consent_check_subjects(
        purpose, DataSubject.objects.filter(pk__in=refs), now=now, recipients=recipients
    )
    versions = {notice.id: notice.version for notice in purpose.notices}
    heard = _stops_heard_at(
        purpose.id,
        [(subject_id, consent_id, status, answers[refs[subject_id]], written_at)
         for _pk, subject_id, status, consent_id, _notice_id, written_at in page],
    )
    items = [
        FeedItem(
            subject=refs[subject_id], result=answers[refs[subject_id]], status=status,
            consent=str(consent_id), notice_version=versions.get(notice_id, ""), changed_at=written_at,
            heard_at=heard[subject_id],
        )
        for _pk, subject_id, status, consent_id, notice_id, written_at in page
    ]
    if page:
        last_row, written_at = page[-1][0], page[-1][5]
        last = FeedPosition(purpose=purpose.code, written_at=written_at, row=last_row, seen_through=horizon)
    else:
        last = replace(after, seen_through=horizon) if after else None
    return FeedPage(items=items, next=last, more=more, horizon=horizon, checked_at=now)


def feed_stops_covered(
    purpose_code: str, *, through: FeedPosition, since: datetime, now: datetime
) -> list[datetime]:
    """When each "no" an acknowledgement of the feed up to `through` covers was recorded: the rows up to
    it, after the purpose's last acknowledgement and not before `since`, whose answer is "no" now."""
    purpose = purpose_or_404(purpose_code)
    rows = ConsentState.objects.filter(purpose_id=purpose.id, updated_at__gte=since).exclude(
        _keyset_after(through.written_at, through.row)
    )
    last = (
        AuditEntry.objects.filter(action=FEED_APPLIED, data__purpose=purpose_code)
        .order_by("-sequence").values_list("data", flat=True).first()
    )
    if last is not None:
        rows = rows.filter(
            _keyset_after(parse_datetime(last["applied_through"]), last.get("applied_through_row", 0))
        )
    written = {subject_id: row for subject_id, *row in rows.values_list(
        "subject_id", "consent_id", "status", "updated_at"
    )}
    refs = dict(DataSubject.objects.filter(pk__in=written).values_list("pk", "external_ref"))
    answers = consent_check_subjects(purpose, DataSubject.objects.filter(pk__in=written), now=now)
    stops = {pk: answers[ref] for pk, ref in refs.items() if not answers[ref].allowed}
    heard = _stops_heard_at(purpose.id, [(pk, *written[pk][:2], result, written[pk][2])
                                         for pk, result in stops.items()])
    return sorted(at for at in heard.values() if at >= since)


def _stops_heard_at(purpose_id, rows: list[tuple]) -> dict[int, datetime]:
    """When the bank heard each customer's answer of `rows` (subject id, consent id, state status, check
    result, the row's write time), by customer: for a "no", the end of their consent (its withdrawal, its
    term) and the start of the restriction the check answers by, the earliest of those and the row's write;
    the row's write for a "yes" or a "no" of another kind (a child, a widening). Two queries a page,
    whatever its size: a restriction or a renumbering restamps a row so the next run reads it, and must
    not move its deadline."""
    heard = {subject_id: written_at for subject_id, *_rest, written_at in rows}
    ended = [consent_id for _s, consent_id, status, result, _w in rows
             if not result.allowed and status != ConsentStatus.GRANTED]
    if ended:
        ended_at = dict(
            Consent.objects.filter(pk__in=ended, ended_at__isnull=False).values_list("pk", "ended_at")
        )
        for subject_id, consent_id, *_rest in rows:
            if consent_id in ended_at:
                heard[subject_id] = min(ended_at[consent_id], heard[subject_id])
    restricted = {subject_id: result.reason for subject_id, _c, _s, result, _w in rows
                  if result.reason in RESTRICTION_REASONS.values()}
    if restricted:
        for subject_id, kind, started_at in (
            ProcessingRestriction.objects.filter(subject_id__in=restricted, lifted_at__isnull=True)
            .filter(Q(purpose__isnull=True) | Q(purpose_id=purpose_id))
            .values_list("subject_id", "kind", "started_at")
        ):
            if RESTRICTION_REASONS[kind] == restricted[subject_id]:
                heard[subject_id] = min(started_at, heard[subject_id])
    return heard
