"""Whether a customer's deletion is under way, for the apps below that must not start disclosing data
being erased (`authorisations.deletions`); which legal holds the nightly release ends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from deadlines.local_days import LOCAL_TZ, add_months
from deadlines.models import RequestType
from dsr.models import (
    DataSubjectRequest,
    DisputeHold,
    LegalHold,
    RetentionStart,
    TaskStatus,
)
from dsr.selectors.inventory import systems_untasked
from dsr.states import OPEN, WORKED_ON
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


def disputes_in_force(*, on: date) -> QuerySet[DisputeHold]:
    """The holds for a dispute (court case, inspection, police request) in force on the local day `on`:
    begun, not past their last day, not lifted. While one is, its customer's legal holds are not
    released."""
    return DisputeHold.objects.filter(lifted_at__isnull=True, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


def dispute_keeps_customer_data(subject_id, *, now: datetime) -> bool:
    """A hold for a dispute is in force on the customer on the local day of `now`: nothing of theirs may
    be erased (the evidence a court, an inspection or the police needs would go with it)."""
    return disputes_in_force(on=timezone.localdate(now, LOCAL_TZ)).filter(subject_id=subject_id).exists()


def request_erasure_held(request: DataSubjectRequest, *, now: datetime) -> bool:
    """An open deletion that cannot be completed while a hold for a dispute keeps its customer's data, nor,
    once the hold has run out, until the night after sends its systems the instructions the hold kept
    back (`dsr.services.disputes.deletions_follow_disputes`): with no task open it would otherwise
    close with every system still keeping the data."""
    if request.type != RequestType.DELETE or request.status not in OPEN:
        return False
    return dispute_keeps_customer_data(request.subject_id, now=now) or deletion_systems_untold(request)


# Said alike to whoever works a held deletion, on its page and in the API's 409: the date to answer by, as
# the hold does not stop the clock (Law 91 allows no pause), and nothing of the dispute itself, which
# front-line officers are not told of (the refusal's reason names none either: it would tip the customer off).
ERASURE_HELD = _(
    "This deletion cannot be completed now: the DPO keeps this customer's data for a legal reason, and no "
    "system has been told to erase it. The deadline runs on: answer the customer by %(by)s; keeping the data "
    "does not stop the clock (the law allows no pause). It can be completed only once the DPO releases the "
    "data and every system has reported; if the data is still kept as that date nears, refuse the request by "
    "then with the reason “A law forbids disclosure or the change requested”. Never tell the customer "
    "why the data is kept."
)


def _answer_by_shown(request: DataSubjectRequest) -> str:
    answer_by = request.answer_by
    return date_format(timezone.localtime(answer_by, LOCAL_TZ), "SHORT_DATETIME_FORMAT") if answer_by else "—"


def request_erasure_held_refusal(request: DataSubjectRequest, *, now: datetime) -> Conflict | None:
    """Why a held deletion cannot be completed (`request_erasure_held`), as the 409 `dispute_hold_in_force`
    the service raises and the request page shows, its date in the reader's language; None when it can."""
    if not request_erasure_held(request, now=now):
        return None
    return Conflict(ERASURE_HELD, code="dispute_hold_in_force", by=lazy(_answer_by_shown, str)(request))


def deletion_systems_untold(request: DataSubjectRequest) -> bool:
    """A verified deletion some active system acting on deletions has no live task of (its fan-out was held
    back, or its tasks called off, by a hold for a dispute)."""
    if request.identity_verified_at is None:
        return False
    return bool(systems_untasked(request))


def deletions_worked_on() -> QuerySet[DataSubjectRequest]:
    """Verified deletions being worked on: those whose systems a hold for a dispute stands down, or lets
    be told again once it ends."""
    return DataSubjectRequest.objects.filter(
        type=RequestType.DELETE, status__in=sorted(WORKED_ON), identity_verified_at__isnull=False
    )


def deletions_erasing_under_disputes(*, on: date) -> QuerySet[DataSubjectRequest]:
    """Verified deletions being worked on, an erase task still open, of customers a hold for a dispute
    in force on the local day `on` keeps (a hold dated to start later, come into force)."""
    return deletions_worked_on().filter(
        subject_id__in=disputes_in_force(on=on).values("subject_id"),
        tasks__status=TaskStatus.OPEN, tasks__hold__isnull=True,
    ).distinct()


def deletions_awaiting_instructions(*, on: date) -> QuerySet[DataSubjectRequest]:
    """Verified deletions being worked on of customers a hold for a dispute kept, run out before the
    local day `on` and not lifted, and none in force now: their systems are told the night after."""
    ran_out = DisputeHold.objects.filter(lifted_at__isnull=True, ends_on__lt=on).values("subject_id")
    return deletions_worked_on().filter(subject_id__in=ran_out).exclude(
        subject_id__in=disputes_in_force(on=on).values("subject_id")
    )


def disputes_of_customer(subject_id, *, on: date) -> QuerySet[DisputeHold]:
    """The customer's holds for a dispute, lifted ones included, the latest first, each with `in_force`
    on the local day `on`."""
    return (
        DisputeHold.objects.filter(subject_id=subject_id)
        .annotate(in_force=Exists(disputes_in_force(on=on).filter(pk=OuterRef("pk"))))
        .order_by("-starts_on", "-pk")
    )


def _held_back(holds: QuerySet[LegalHold], *, today: date) -> QuerySet[LegalHold]:
    """`holds` with `complaint_open` (an open complaint of the customer) and `dispute_open` (a hold for a
    dispute in force today): either keeps them past their last day."""
    customer = OuterRef("subject_id")
    return holds.annotate(
        complaint_open=Exists(complaints_open().filter(subject_id=customer)),
        dispute_open=Exists(disputes_in_force(on=today).filter(subject_id=customer)),
    )


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


def holds_coming_due(*, through: date, today: date) -> QuerySet[LegalHold]:
    """The holds not yet released whose last day comes by `through`, the soonest first: what the nightly
    release will erase (from the night after each last day), each with `complaint_open` when an open
    complaint of the customer holds it back and `dispute_open` when a hold for a dispute in force on
    `today` does (what the dispute may need is kept until it is settled, and the first night after its
    close or lifting releases them). No personal data: the request's reference names the customer."""
    return (
        _held_back(LegalHold.objects.filter(released_at__isnull=True, ends_on__lte=through), today=today)
        .select_related("request", "category", "system")
        .order_by("ends_on", "pk")
    )


def holds_due(*, today: date) -> QuerySet[LegalHold]:
    """The holds the nightly release of `today` (local) ends: those `holds_coming_due` lists as erased by
    tonight, less those an open complaint or a dispute in force holds back."""
    return holds_coming_due(through=today - RELEASED_AFTER_LAST_DAY, today=today).filter(
        complaint_open=False, dispute_open=False
    )


def _holds_dated_tonight(*, through: date, today: date) -> list[LegalHold]:
    """`holds_to_date`, each with the end date the nightly job gives it before it releases (not saved:
    the job dates them), whose last day comes by `through`, held back as `holds_coming_due` says."""
    ended_on = DataSubject.objects.filter(pk=OuterRef("subject_id")).values("relationship_ended_on")
    holds = (
        _held_back(holds_to_date(), today=today)
        .annotate(relationship_ended_on=Subquery(ended_on))
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


def holds_coming_due_listed(*, through: date, today: date, limit: int) -> dict[str, Any]:
    """The page of `holds_coming_due`: the first `limit` holds, each with the day whose night erases it
    (`released_from`, the day after its last), their number, and the holds with no end date yet (the
    customer's relationship with the bank is still open). The holds the job dates tonight before it
    releases (`holds_to_date`) are listed with the end they will get, not counted as undated; and the
    holds for a dispute in force today."""
    found = holds_coming_due(through=through, today=today)
    dated_tonight = _holds_dated_tonight(through=through, today=today)
    first = sorted([*dated_tonight, *found[:limit]], key=lambda hold: (hold.ends_on, hold.pk))[:limit]
    return {
        "holds": [{"hold": hold, "released_from": hold.ends_on + RELEASED_AFTER_LAST_DAY} for hold in first],
        "total": len(dated_tonight) + found.count(),
        # What keeps held data past its last day besides complaints, for the DPO and the auditor (who has no
        # customer page): references and dates, not the description, which may name people.
        "disputes": list(disputes_in_force(on=today).order_by("starts_on", "pk")[:limit]),
        "undated": LegalHold.objects.filter(released_at__isnull=True, ends_on__isnull=True)
        .exclude(pk__in=holds_to_date().values("pk"))
        .count(),
    }
