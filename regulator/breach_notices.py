"""Who a breach's notice went to, as the bank proves it afterwards: one row per customer told, when it was
queued, the channels tried and how each ended, and the outcome. A customer whom no e-mail or SMS reached
(no address or number on file, or every outside channel failed) has the notice only in the app's inbox:
`inbox_only`, apart from `reached`, because they may never sign in to read it.

And what the customers told did since (`breach_what_followed`): a notice is often followed within the
hour by withdrawals and requests, whose deadlines run from their receipt whatever the surge."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from consents.models import ConsentEvent, ConsentStatus
from core.labels import choice_label
from core.spreadsheets import SpreadsheetWriter
from deadlines.models import RequestType
from deadlines.policy import local_isoformat
from dsr.models import DataSubjectRequest, binding_due_at
from dsr.states import OPEN
from notifications.models import Channel, Notification
from regulator.models import Breach
from regulator.services.breach_mailing import CUSTOMER_TOPIC
from subjects.models import DataSubject

BREACH_NOTICES_CSV_COLUMNS = (
    "customer_number",
    "language",
    "queued_at",
    "outcome",
    "channel",
    "delivered_at",
    "channels_tried",
    "read_in_inbox_at",
)
REACHED, INBOX_ONLY, BEING_SENT, NOT_REACHED = "reached", "inbox_only", "being_sent", "not_reached"
_TOLD_BY_WORDS = {
    f"{REACHED}:{Channel.EMAIL}": _("Reached by e-mail"),
    f"{REACHED}:{Channel.SMS}": _("Reached by SMS"),
    INBOX_ONLY: _("Only in the app's inbox"),
    BEING_SENT: _("Being sent"),
    NOT_REACHED: _("Not reached"),
}
# Customers read per round trip: a bank-wide breach tells every customer of the bank.
_CHUNK = 2000


@dataclass(frozen=True)
class RequestsSince:
    type_label: str
    received: int
    still_open: int
    earliest_due: datetime | None


@dataclass(frozen=True)
class WhatFollowed:
    since: datetime
    withdrew: int
    requests: list[RequestsSince]


def _notices_of(breach: Breach) -> QuerySet[Notification]:
    return Notification.objects.filter(dedupe_key__startswith=f"{breach.customer_notice_key}:")


def _told_by(notices: QuerySet[Notification], *, at: str) -> Exists:
    """The row's customer had their own notice by the row's `at`: one told by a later mailing did what
    they did before it for reasons of their own, not because of the breach."""
    return Exists(notices.filter(subject_id=OuterRef("subject_id"), created_at__lte=OuterRef(at)))


def breach_what_followed(breach: Breach) -> WhatFollowed | None:
    """Since the first notice (None before any): how many customers told withdrew a consent after their
    notice, and the requests they filed after it by type, with how many are open and the earliest binding
    deadline among those."""
    notices = _notices_of(breach)
    since = notices.aggregate(first=Min("created_at"))["first"]
    if since is None:
        return None
    withdrawals = ConsentEvent.objects.filter(kind=ConsentStatus.WITHDRAWN, at__gte=since).filter(
        _told_by(notices, at="at")
    )
    requests = (
        DataSubjectRequest.objects.filter(received_at__gte=since)
        .filter(_told_by(notices, at="received_at"))
        .values("type")
        .annotate(
            received=Count("pk"),
            still_open=Count("pk", filter=Q(status__in=sorted(OPEN))),
            earliest_due=Min(binding_due_at()),  # null once closed: the open ones' earliest
        )
        .order_by("type")
    )
    return WhatFollowed(
        since=since,
        withdrew=withdrawals.values("subject_id").distinct().count(),
        requests=[
            RequestsSince(
                type_label=choice_label(RequestType.choices, row["type"]), received=row["received"],
                still_open=row["still_open"], earliest_due=row["earliest_due"],
            )
            for row in requests
        ],
    )


def breaches_told_to(subject: DataSubject) -> list[dict[str, Any]]:
    """The breaches the customer was told of, for their export (`dsr.export_breaches`, which says why only
    those), the earliest told first."""
    notices = Notification.objects.filter(subject=subject, topic=CUSTOMER_TOPIC)
    # Each notice's key is its breach's `customer_notice_key` (`breach:<id>`), then `:<customer>`.
    told_at = {key.rsplit(":", 1)[0]: at for key, at in notices.values_list("dedupe_key", "created_at")}
    breach_ids = [key.split(":", 1)[1] for key in told_at]
    breaches = Breach.objects.filter(pk__in=breach_ids).prefetch_related("categories")
    entries = [
        {
            "reference": breach.reference,
            "detected_at": local_isoformat(breach.detected_at),
            "categories": [
                {"name_vi": category.name_vi, "name_en": category.name_en}
                for category in sorted(breach.categories.all(), key=lambda category: category.code)
            ],
            "measures_taken": breach.measures_taken,
            "measures_taken_en": breach.measures_taken_en,
            "told_at": local_isoformat(told_at[breach.customer_notice_key]),
        }
        for breach in breaches
    ]
    return sorted(entries, key=lambda entry: entry["told_at"])


def breach_notices(breach: Breach) -> Iterator[Notification]:
    """The breach's notices with their customer's number and every attempt, the earliest first."""
    notices = _notices_of(breach).select_related("subject").only(
        "subject__external_ref", "language", "created_at", "status", "channel", "delivered_at", "read_at"
    )
    return notices.prefetch_related("attempts").order_by("created_at", "pk").iterator(chunk_size=_CHUNK)


def _outcome(status: str, channel: str) -> str:
    if status == Notification.Status.PENDING:
        return BEING_SENT
    if status == Notification.Status.FAILED:
        return NOT_REACHED
    return INBOX_ONLY if channel == Channel.INBOX else REACHED


def breach_told_by_channel(breach: Breach) -> list[tuple[str, int]]:
    """How the breach's notices stand, for its page: reached by e-mail, by SMS, only in the inbox, being
    sent, not reached, each with how many (those with none left out), in one query."""
    counts: Counter[str] = Counter()
    for row in _notices_of(breach).values("status", "channel").annotate(notices=Count("pk")):
        outcome = _outcome(row["status"], row["channel"])
        counts[f"{outcome}:{row['channel']}" if outcome == REACHED else outcome] += row["notices"]
    return [(str(words), counts[key]) for key, words in _TOLD_BY_WORDS.items() if counts[key]]


def _attempts_in_words(notice: Notification) -> str:
    tried = sorted(notice.attempts.all(), key=lambda attempt: (attempt.created_at, attempt.pk))
    return "; ".join(
        f"{attempt.channel} {attempt.status} {local_isoformat(attempt.finished_at or attempt.created_at)}"
        for attempt in tried
    )


def breach_notices_csv(breach: Breach) -> tuple[str, int]:
    """The CSV and how many customers it lists."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(BREACH_NOTICES_CSV_COLUMNS)
    count = 0
    for notice in breach_notices(breach):
        count += 1
        writer.writerow(
            (
                notice.subject.external_ref,
                notice.language,
                local_isoformat(notice.created_at),
                _outcome(notice.status, notice.channel),
                notice.channel,
                local_isoformat(notice.delivered_at) or "",
                _attempts_in_words(notice),
                local_isoformat(notice.read_at) or "",
            )
        )
    return out.getvalue(), count
