"""Whether a customer's deletion is under way, for the apps below that must not start disclosing data
being erased (`authorisations.deletions`); which legal holds the nightly release ends."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from deadlines.local_days import add_months
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest, LegalHold, RetentionStart
from dsr.states import OPEN
from subjects.models import DataSubject


def deletion_verified_open(subject_id) -> bool:
    """A deletion request of this customer whose requester is verified, and which is not closed."""
    return DataSubjectRequest.objects.filter(
        subject_id=subject_id,
        type=RequestType.DELETE,
        identity_verified_at__isnull=False,
        status__in=sorted(OPEN),
    ).exists()


def complaints_open() -> QuerySet[DataSubjectRequest]:
    """The complaints not yet closed: while one is open, its customer's holds are not released."""
    return DataSubjectRequest.objects.filter(type=RequestType.COMPLAINT, status__in=sorted(OPEN))


def hold_ends_on(
    *,
    start_event: str,
    period_months: int,
    relationship_ended_on: date | None,
    requested_on: date | None = None,
) -> date | None:
    """When a hold ends: its period after its start event; None while that event has not happened."""
    if start_event == RetentionStart.REQUEST:
        return add_months(requested_on, period_months)
    if relationship_ended_on is None:
        return None
    if start_event == RetentionStart.ACCOUNTING_YEAR_END:
        return add_months(date(relationship_ended_on.year, 12, 31), period_months)
    return add_months(relationship_ended_on, period_months)



def holds_to_date() -> QuerySet[LegalHold]:
    """The holds with no end date yet, counted from the relationship's end, of customers whose
    relationship has since ended: the nightly job dates them (`holds_schedule`)."""
    waiting = LegalHold.objects.filter(released_at__isnull=True, ends_on__isnull=True).exclude(
        start_event=RetentionStart.REQUEST
    )
    ended = DataSubject.objects.filter(relationship_ended_on__isnull=False)
    return waiting.filter(subject_id__in=ended.values("pk"))


# The nightly release ends a hold the night after its last day (`ends_on`, the day the customer and the
# systems are told the data is kept until): a period counted in years ends at the end of its last day
# (Civil Code 2015 Art. 148), so ten years of accounting records from 31 December 2026 are kept through
# 31 December 2036 and erased at 01:30 on 1 January 2037.
RELEASED_AFTER_LAST_DAY = timedelta(days=1)


def holds_coming_due(*, through: date) -> QuerySet[LegalHold]:
    """The holds not yet released whose last day comes by `through`, the soonest first: what the nightly
    release will erase (from the night after each last day), each with `complaint_open` when an open
    complaint of the customer holds it back (what the dispute may need is kept until it is settled, and
    the first night after its close releases them). No personal data: the request's reference names the
    customer."""
    return (
        LegalHold.objects.filter(released_at__isnull=True, ends_on__lte=through)
        .annotate(complaint_open=Exists(complaints_open().filter(subject_id=OuterRef("subject_id"))))
        .select_related("request", "category", "system")
        .order_by("ends_on", "pk")
    )


def holds_due(*, today: date) -> QuerySet[LegalHold]:
    """The holds the nightly release of `today` (local) ends: those `holds_coming_due` lists as erased by
    tonight, less those an open complaint holds back."""
    return holds_coming_due(through=today - RELEASED_AFTER_LAST_DAY).filter(complaint_open=False)


def _holds_dated_tonight(*, through: date) -> list[LegalHold]:
    """`holds_to_date`, each with the end date the nightly job gives it before it releases (not saved:
    the job dates them), whose last day comes by `through`, with `complaint_open` as `holds_coming_due`."""
    ended_on = DataSubject.objects.filter(pk=OuterRef("subject_id")).values("relationship_ended_on")
    holds = (
        holds_to_date()
        .annotate(
            complaint_open=Exists(complaints_open().filter(subject_id=OuterRef("subject_id"))),
            relationship_ended_on=Subquery(ended_on),
        )
        .select_related("request", "category", "system")
    )
    dated = []
    for hold in holds:
        hold.ends_on = hold_ends_on(
            start_event=hold.start_event,
            period_months=hold.period_months,
            relationship_ended_on=hold.relationship_ended_on,
        )
        if hold.ends_on <= through:
            dated.append(hold)
    return dated


def holds_coming_due_listed(*, through: date, limit: int) -> dict[str, Any]:
    """The page of `holds_coming_due`: the first `limit` holds, each with the day whose night erases it
    (`released_from`, the day after its last), their number, and the holds with no end date yet (the
    customer's relationship with the bank is still open). The holds the job dates tonight before it
    releases (`holds_to_date`) are listed with the end they will get, not counted as undated."""
    found = holds_coming_due(through=through)
    dated_tonight = _holds_dated_tonight(through=through)
    first = sorted([*dated_tonight, *found[:limit]], key=lambda hold: (hold.ends_on, hold.pk))[:limit]
    return {
        "holds": [{"hold": hold, "released_from": hold.ends_on + RELEASED_AFTER_LAST_DAY} for hold in first],
        "total": len(dated_tonight) + found.count(),
        "undated": LegalHold.objects.filter(released_at__isnull=True, ends_on__isnull=True)
        .exclude(pk__in=holds_to_date().values("pk"))
        .count(),
    }
