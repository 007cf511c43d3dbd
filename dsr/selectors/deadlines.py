"""Reads by deadline: the staff queue in order of urgency, the dashboard's counts and clock chart, and
how far the working-day calendar still reaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.models import CalendarDay
from dsr.models import CLOSED_LATE_Q, COUNTED_FOR_RATES, DataSubjectRequest, binding_due_at
from dsr.selectors.requests import request_list
from dsr.states import OPEN

DUE_SOON = timedelta(hours=24)
# The clocks a pause awaiting the customer stops: the bank's own (`due`), where its policy allows.
PAUSABLE_CLOCKS = frozenset({"due"})
CLOSED_LATE = "late"
CLOSED_ON_TIME = "on_time"
# Answered after the statutory deadline: the requests behind the report's "within the law" figure, what an
# inspector applying Law 91 asks for.
CLOSED_LATE_BY_LAW = "late_by_law"
# Vietnam announces each year's holidays late in the year before: warn a quarter ahead.
CALENDAR_WARNING = timedelta(days=90)
# Lists show no personal data: skip loading (and decrypting) the encrypted columns, which is most of a
# list's cost at 50 rows a page.
LIST_DEFERRED = (
    "details",
    "corrections",
    "identity_reference",
    "outcome_note",
    "subject__full_name",
    "subject__national_id",
    "subject__passport_number",
    "subject__date_of_birth",
    "subject__phone",
    "subject__email",
    "subject__address",
)


def requests_closed_between(
    queryset: QuerySet[DataSubjectRequest], *, since: datetime | None, until: datetime | None
) -> QuerySet[DataSubjectRequest]:
    """Requests closed in [since, until), cancelled ones included; an open one has no closing date."""
    queryset = queryset.filter(closed_at__isnull=False)
    if since is not None:
        queryset = queryset.filter(closed_at__gte=since)
    if until is not None:
        queryset = queryset.filter(closed_at__lt=until)
    return queryset


def with_closed_late(queryset: QuerySet[DataSubjectRequest]) -> QuerySet[DataSubjectRequest]:
    """Each request with `late_for_rates`, as the queue's "closed late" / "closed on time" filters and the
    report's on-time figure read it: True closed past the earlier of both clocks (`CLOSED_LATE_Q`), False
    closed by then, None while open or when cancelled in time (it counts for no rate, `COUNTED_FOR_RATES`)."""
    return queryset.annotate(
        late_for_rates=Case(
            When(CLOSED_LATE_Q, then=Value(True)),
            When(Q(closed_at__isnull=False) & COUNTED_FOR_RATES, then=Value(False)),
            default=None,
            output_field=BooleanField(null=True),
        )
    )


def requests_closed_in(
    queryset: QuerySet[DataSubjectRequest], *, since: datetime | None, until: datetime | None
) -> QuerySet[DataSubjectRequest]:
    """Requests closed in [since, until) that count for the on-time rate (`COUNTED_FOR_RATES`): answered,
    or cancelled after their deadline had passed; those cancelled in time count for no rate."""
    return requests_closed_between(queryset, since=since, until=until).filter(COUNTED_FOR_RATES)


def clock_running_q(clock: str, at: datetime | None = None) -> Q:
    """Requests whose `clock` ran at the moment `at` (now when omitted): the one definition of a clock
    standing still, read by the reports, the dashboard, the queue and the breach sweeper
    (`dsr.clock_sources`). A request awaiting the customer (`paused_at`, set only where its policy lets
    it pause) stops the bank's clock, which moves on by the pause when it resumes; the law's clocks
    never stand still (Law 91 / Decree 356 have no pause). A pause begun after `at` had not stopped
    the clock then (a month's end in the past), and one begun at or after the bank's deadline stops
    nothing: a deadline already passed stays passed. `DataSubjectRequest.bank_clock_stopped` is the
    same rule for one request."""
    if clock not in PAUSABLE_CLOCKS:
        return Q()
    running = Q(paused_at__isnull=True) | Q(paused_at__gte=F("due_at"))
    if at is None:
        return running
    return running | Q(paused_at__gt=at)


def overdue_bank_q(now: datetime) -> Q:
    """Past the bank's committed deadline (`due_at`) while its clock runs."""
    return Q(due_at__lt=now) & clock_running_q("due", now)


def overdue_statutory_q(now: datetime) -> Q:
    """Past the statutory deadline (`statutory_due_at`)."""
    return Q(statutory_due_at__lt=now) & clock_running_q("statutory", now)


def overdue_acknowledgement_q(now: datetime) -> Q:
    """Not acknowledged by the acknowledgement deadline (Law 91: 2 working days)."""
    return Q(acknowledged_at__isnull=True, acknowledge_by__lt=now) & clock_running_q("acknowledge", now)


def acknowledged_late_q() -> Q:
    """Acknowledged after the acknowledgement deadline: `acknowledged_at` against the request's own
    `acknowledge_by`, the clock the sweeper reminds and breaches (`dsr.clock_sources`), which never
    stands still."""
    return Q(acknowledge_by__isnull=False, acknowledged_at__gt=F("acknowledge_by"))


def acknowledged_on_time_q() -> Q:
    """Acknowledged by the acknowledgement deadline, or with none to meet (no policy row set one)."""
    return Q(acknowledged_at__isnull=False) & (
        Q(acknowledge_by__isnull=True) | Q(acknowledged_at__lte=F("acknowledge_by"))
    )


def overdue_q(now: datetime) -> Q:
    """Open requests whose binding date has passed: either deadline passed on a running clock (each on
    its partial index)."""
    return Q(status__in=sorted(OPEN)) & (overdue_bank_q(now) | overdue_statutory_q(now))


def due_between_q(start: datetime, end: datetime) -> Q:
    """Open requests whose binding date falls in [start, end]: no deadline before `start`, one by `end`.
    A bank date whose clock stands still (paused) is neither passed nor coming: the law's date binds."""
    bank_running = clock_running_q("due", start)
    return (
        Q(status__in=sorted(OPEN))
        & (Q(due_at__gte=start) | ~bank_running)
        & (Q(statutory_due_at__isnull=True) | Q(statutory_due_at__gte=start))
        & ((Q(due_at__lte=end) & bank_running) | Q(statutory_due_at__lte=end))
    )


def requests_by_deadline(
    queryset: QuerySet[DataSubjectRequest],
    *,
    overdue: bool,
    due_within: timedelta | None,
    now: datetime,
    acknowledgement_overdue: bool = False,
) -> QuerySet[DataSubjectRequest]:
    """Open requests overdue, due within `due_within` (by their binding date), or past their
    acknowledgement deadline unacknowledged; asking for several means any. None leaves the queryset as
    it is."""
    wanted = Q()
    if overdue:
        wanted |= overdue_q(now)
    if due_within is not None:
        wanted |= due_between_q(now, now + due_within)
    if acknowledgement_overdue:
        wanted |= Q(status__in=sorted(OPEN)) & overdue_acknowledgement_q(now)
    return queryset.filter(wanted) if wanted else queryset


def request_queue(
    *,
    overdue: bool = False,
    due_within: timedelta | None = None,
    acknowledgement_overdue: bool = False,
    closed: str | None = None,
    closed_since: datetime | None = None,
    closed_until: datetime | None = None,
    now: datetime | None = None,
    base: QuerySet[DataSubjectRequest] | None = None,
) -> QuerySet[DataSubjectRequest]:
    """The staff queue, most urgent first: open requests by their binding date (`binding_due_at`, the
    earlier of the bank's and the statutory deadline), so overdue ones lead, then closed ones, newest
    first. Filters compose; `closed_since`/`closed_until` alone list the requests closed in that
    period, newest first; `overdue` and `due_within` look only at open requests, by binding date,
    which the partial indexes `dsr_open_by_due` and `dsr_open_by_statutory_due` serve. Who and what
    (status, type, customer, assignee) narrow `base` first, through `dsr.filters.RequestFilterSet`, as
    the API list and the queue page do."""
    now = now or timezone.now()
    queryset = (base if base is not None else request_list()).defer(*LIST_DEFERRED).prefetch_related(
        # Each row says which open request it repeats, by reference; no query when none repeats.
        Prefetch("repeat_of", queryset=DataSubjectRequest.objects.only("id", "received_at"))
    )
    if closed in (CLOSED_LATE, CLOSED_ON_TIME):
        # The requests behind the report's on-time figure: closed in the period (answered, or cancelled
        # late), after or by their binding deadline.
        queryset = requests_closed_in(queryset, since=closed_since, until=closed_until)
        queryset = queryset.filter(CLOSED_LATE_Q if closed == CLOSED_LATE else ~CLOSED_LATE_Q)
        return queryset.order_by("-closed_at", "id")
    if closed == CLOSED_LATE_BY_LAW:
        # The complement of the report's `closed_within_law` among the requests it counts.
        queryset = requests_closed_in(queryset, since=closed_since, until=closed_until)
        return queryset.filter(closed_at__gt=F("statutory_due_at")).order_by("-closed_at", "id")
    if closed_since is not None or closed_until is not None:
        # A closed-date period on its own asks for the requests closed in it, cancelled ones too
        # (a status filter narrows them).
        queryset = requests_closed_between(queryset, since=closed_since, until=closed_until)
        return queryset.order_by("-closed_at", "id")
    queryset = requests_by_deadline(
        queryset,
        overdue=overdue,
        due_within=due_within,
        acknowledgement_overdue=acknowledgement_overdue,
        now=now,
    )
    return queryset.annotate(binding_due_at=binding_due_at()).order_by(
        F("binding_due_at").asc(nulls_last=True), "-received_at", "id"
    )


def requests_to_act_on(*, now: datetime) -> QuerySet[DataSubjectRequest]:
    """The open requests a person must act on now, most urgent first (the queue's order): past either
    deadline, past the acknowledgement deadline, or due within `DUE_SOON` by the answer-by date; the rows
    behind the deadline report's `overdue`, `overdue_acknowledgement` and `due_soon` counts, and the
    queue's "needs attention" list. Each carries
    which clock it has run out on (`overdue_bank`, `overdue_statutory`, `overdue_acknowledgement`)."""
    clocks = {
        name: ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in (
            ("overdue_bank", overdue_bank_q(now)),
            ("overdue_statutory", overdue_statutory_q(now)),
            ("overdue_acknowledgement", overdue_acknowledgement_q(now)),
        )
    }
    wanted = requests_by_deadline(
        request_list(), overdue=True, due_within=DUE_SOON, acknowledgement_overdue=True, now=now
    )
    return (
        wanted.defer(*LIST_DEFERRED)
        .annotate(binding_due_at=binding_due_at(), **clocks)
        .order_by(F("binding_due_at").asc(nulls_last=True), "-received_at", "id")
    )


@dataclass(frozen=True)
class QueueCounts:
    open: int
    due_soon: int
    overdue: int
    acknowledgement_overdue: int


def request_counts(*, now: datetime | None = None, assignee_id: int | None = None) -> QueueCounts:
    now = now or timezone.now()
    open_requests = DataSubjectRequest.objects.filter(status__in=sorted(OPEN))
    if assignee_id is not None:
        open_requests = open_requests.filter(assignee_id=assignee_id)
    return QueueCounts(
        open=open_requests.count(),
        due_soon=open_requests.filter(due_between_q(now, now + DUE_SOON)).count(),
        overdue=open_requests.filter(overdue_q(now)).count(),
        acknowledgement_overdue=open_requests.filter(overdue_acknowledgement_q(now)).count(),
    )


# How far ahead a deadline counts as near on the dashboard's clock chart.
DUE_WITHIN_DAYS = 3


def request_clock_states(*, now: datetime | None = None) -> list[dict]:
    """Open requests by clock state, each counted once under its worst state: overdue on the
    statutory clock, overdue on the bank's clock, due within three days (the earlier of the two
    dates), on track."""
    now = now or timezone.now()
    soon = now + timedelta(days=DUE_WITHIN_DAYS)
    statutory_over = overdue_statutory_q(now)
    bank_over = overdue_bank_q(now) & ~statutory_over
    near = due_between_q(now, soon)
    figures = DataSubjectRequest.objects.filter(status__in=sorted(OPEN)).aggregate(
        open=Count("pk"),
        overdue_statutory=Count("pk", filter=statutory_over),
        overdue_bank=Count("pk", filter=bank_over),
        due_soon=Count("pk", filter=near),
    )
    on_track = figures["open"] - figures["overdue_statutory"] - figures["overdue_bank"] - figures["due_soon"]
    return [
        {"key": "on_track", "label": _("On track"), "count": on_track, "tone": "ok"},
        {"key": "due_soon", "label": _("Due within 3 days"), "count": figures["due_soon"], "tone": "warn"},
        {"key": "overdue_bank", "label": _("Overdue on the bank's clock"),
         "count": figures["overdue_bank"], "tone": "danger"},
        {"key": "overdue_statutory", "label": _("Overdue on the statutory clock"),
         "count": figures["overdue_statutory"], "tone": "critical"},
    ]


def calendar_runs_out_on(*, today: date | None = None) -> date | None:
    """The last day of the working-day calendar when it is less than 90 days away (or past): after
    it, working-day deadlines would count every weekday as working. None while the calendar reaches
    far enough.

    The calendar covers whole years: the DPO enters a year's holidays and make-up days together, once
    they are announced, so the last year with any day entered is covered to its 31 December (its last
    holiday, often in November, is not where it ends)."""
    today = today or timezone.localdate()
    last_entered = CalendarDay.objects.order_by("-date").values_list("date", flat=True).first()
    if last_entered is None:
        return today
    last = date(last_entered.year, 12, 31)
    return last if last - today < CALENDAR_WARNING else None
