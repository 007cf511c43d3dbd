"""The deadline report: one set of selectors behind the daily, weekly and monthly e-mails, the API
(`GET /api/v1/reports/deadlines/`, also as CSV) and the portal page with its charts.

Figures for open work are as of `now`; on-time rates are over the requests closed in the period
[`since`, `until`). A request is on time when it closed by its binding deadline (`answer_by`, the
earlier of the bank's and the law's: the date the customer was told), so the figure and the list of
requests behind it (`request_queue(closed=...)`) agree, and within the law when it closed by its
statutory deadline; requests cancelled in time count for neither, those cancelled after a deadline passed
count as closed late (the breach happened).
The requests area may read consents (arrows point that way), so withdrawal duties are reported here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from consents.models import WithdrawalDuty
from deadlines.clocks import clock_labels
from deadlines.models import DeadlineBreach, RequestType
from deadlines.policy import LOCAL_TZ, local_midnight
from dsr.models import CLOSED_LATE_Q, COUNTED_FOR_RATES, Channel, DataSubjectRequest
from dsr.selectors import (
    DUE_SOON,
    acknowledged_late_q,
    acknowledged_on_time_q,
    due_between_q,
    overdue_acknowledgement_q,
    overdue_bank_q,
    overdue_q,
    overdue_statutory_q,
    requests_to_act_on,
)
from dsr.states import OPEN, OutcomeReason, RequestStatus

DEFAULT_PERIOD = timedelta(days=30)
TREND_WEEKS = 12
# The requests a report names one by one; beyond them it gives their number and the queue holds the rest.
TO_ACT_ON_LISTED = 50
# The answers that state a legal reason for not doing (all of) what was asked.
REFUSED = (RequestStatus.REJECTED, RequestStatus.PARTIALLY_COMPLETED)
# The clocks a listed request may have run out on, the worst first: the one its row is shown under.
RUN_OUT_CLOCKS = ("overdue_statutory", "overdue_bank", "overdue_acknowledgement")


def _rate(on_time: int, closed: int) -> float | None:
    return round(on_time / closed, 4) if closed else None


def _end_of_local_day(now: datetime) -> datetime:
    return local_midnight(timezone.localtime(now, LOCAL_TZ).date() + timedelta(days=1))


def _counted(figures: dict[str, Q | None], among: Q | None) -> dict[str, Count]:
    """A conditional Count per figure (None: every row), each over the rows `among` (None: all)."""
    conditions = {name: condition if among is None else among & (condition or Q())
                  for name, condition in figures.items()}
    return {name: Count("pk", filter=condition) for name, condition in conditions.items()}


def _open_figures(now: datetime, *, among: Q | None = None) -> dict[str, Count]:
    """Open work as of `now`, on both clocks (domain notes: both shown in reports), by the selectors
    the dashboard, the queue and the sweeper read: `overdue` is the binding figure (either deadline
    passed, as `overdue_q`), `due_today` and `due_soon` go by the answer-by date, and a bank clock
    paused awaiting the customer before its deadline is neither overdue nor coming due."""
    # The local day ends at midnight, which belongs to the next day.
    end_of_today = _end_of_local_day(now) - timedelta(microseconds=1)
    return _counted({
        "open": None,
        "due_today": due_between_q(now, end_of_today),
        "due_soon": due_between_q(now, now + DUE_SOON),
        "overdue": overdue_q(now),
        "overdue_bank": overdue_bank_q(now),
        "overdue_statutory": overdue_statutory_q(now),
        "overdue_acknowledgement": overdue_acknowledgement_q(now),
    }, among)


def _closed_figures(*, among: Q | None = None) -> dict[str, Count]:
    """The requests closed (`_closed`), on time by the answer-by date and within the law."""
    return _counted({
        "closed": None,
        "closed_on_time": ~CLOSED_LATE_Q,
        "closed_within_law": Q(statutory_due_at__isnull=True) | Q(closed_at__lte=F("statutory_due_at")),
    }, among)


def _extended_q(since: datetime, until: datetime) -> Q:
    """Deadline extended in [since, until): Law 91 allows one extension, the customer told why."""
    return Q(extended_at__gte=since, extended_at__lt=until)


def _received_q(since: datetime, until: datetime) -> Q:
    return Q(received_at__gte=since, received_at__lt=until)


# A request recorded as asking again what an open one of the customer's asks (`dsr.services.repeats`):
# rights are free except for manifestly excessive repetition, which the DPO judges from this count.
REPEAT = Q(repeat_of__isnull=False)


def _acknowledged_q(since: datetime, until: datetime) -> Q:
    return Q(acknowledged_at__gte=since, acknowledged_at__lt=until)


def _acknowledged_figures(since: datetime, until: datetime) -> dict[str, Count]:
    """The requests acknowledged in [since, until), on time and late against their acknowledgement
    deadline (Law 91: 2 working days), by the clock the sweeper breaches (`acknowledged_late_q`)."""
    return _counted({"acknowledged_on_time": acknowledged_on_time_q(),
                     "acknowledged_late": acknowledged_late_q()}, _acknowledged_q(since, until))


_EMPTY = {
    "open": 0,
    "due_today": 0,
    "due_soon": 0,
    "overdue": 0,
    "overdue_bank": 0,
    "overdue_statutory": 0,
    "overdue_acknowledgement": 0,
    "closed": 0,
    "closed_on_time": 0,
    "closed_within_law": 0,
    "acknowledged_on_time": 0,
    "acknowledged_late": 0,
    "extended": 0,
    "repeats": 0,
}


def _closed_q(since: datetime, until: datetime) -> Q:
    """Closed in [since, until); a request cancelled by its deadline counts for neither rate, one cancelled
    after it as closed late (`COUNTED_FOR_RATES`)."""
    return Q(closed_at__gte=since, closed_at__lt=until) & COUNTED_FOR_RATES


def _grouped(field: str, choices, *, now: datetime, since: datetime, until: datetime) -> list[dict]:
    """Every figure by `field`, from one grouped query over the requests open now, closed in the
    period or acknowledged in it, each figure counting its own of them."""
    is_open = Q(status__in=sorted(OPEN))
    closed = _closed_q(since, until)
    # A request is extended while open (before its statutory date): one extended in the period is open
    # now or was closed since the period began, a branch on `closed_at`'s index.
    extended = _extended_q(since, until)
    received = _received_q(since, until)
    counted = (
        is_open | closed | _acknowledged_q(since, until) | (Q(closed_at__gte=since) & (extended | received))
    )
    found = {
        row[field]: row
        for row in DataSubjectRequest.objects.filter(counted)
        .values(field)
        .annotate(**_open_figures(now, among=is_open), **_closed_figures(among=closed),
                  **_acknowledged_figures(since, until), extended=Count("pk", filter=extended),
                  repeats=Count("pk", filter=received & REPEAT))
        .order_by()
    }
    rows = []
    for key, label in choices:
        row = {"key": key, "label": str(label), **_EMPTY}
        row.update({k: v for k, v in found.get(key, {}).items() if k != field})
        row["on_time_rate"] = _rate(row["closed_on_time"], row["closed"])
        row["within_law_rate"] = _rate(row["closed_within_law"], row["closed"])
        row["closed_past_law"] = row["closed"] - row["closed_within_law"]
        rows.append(row)
    return rows


def to_act_on(*, now: datetime) -> dict[str, Any]:
    """The requests to act on now (`requests_to_act_on`), the first `TO_ACT_ON_LISTED` by reference
    (no personal data), with the number of them all."""
    found = requests_to_act_on(now=now)
    rows = [
        {
            "id": str(request.pk),
            "reference": request.reference,
            "type": request.type,
            "status": request.status,
            "answer_by_at": request.answer_by,
            "acknowledge_by_at": request.acknowledge_by,
            **{clock: getattr(request, clock) for clock in RUN_OUT_CLOCKS},
            "state": next((clock for clock in RUN_OUT_CLOCKS if getattr(request, clock)), "due_soon"),
            "assignee": request.assignee.get_username() if request.assignee else "",
        }
        for request in found[:TO_ACT_ON_LISTED]
    ]
    total = len(rows) if len(rows) < TO_ACT_ON_LISTED else found.count()
    return {"total": total, "requests": rows}


def _labelled_rows(rows: list[dict], choices) -> list[dict]:
    labels = dict(choices)
    return [{**row, "label": str(labels.get(row["key"], row["key"]))} for row in rows]


def report_labelled(report: dict[str, Any]) -> dict[str, Any]:
    """A copy of `deadline_report`'s result with its labels worded in the active language; the
    figures are not computed again (for wording one report in several languages)."""
    breaches = []
    for row in report["breaches"]:
        # Breach notifications and impact assessments are clocks too, but not request types.
        source_label, clock_label = clock_labels(row["source"], row["clock"])
        breaches.append({**row, "source_label": source_label, "clock_label": clock_label})
    types = dict(RequestType.choices)
    to_act_on = [{**row, "type_label": str(types.get(row["type"], row["type"]))}
                 for row in report["to_act_on"]["requests"]]
    reasons, statuses = dict(OutcomeReason.choices), dict(RequestStatus.choices)
    refusals = [{**row, "label": str(reasons.get(row["reason"], row["reason"])),
                 "status_label": str(statuses.get(row["status"], row["status"]))}
                for row in report["refusals"]]
    return {
        **report,
        "refusals": refusals,
        "to_act_on": {**report["to_act_on"], "requests": to_act_on},
        "by_type": _labelled_rows(report["by_type"], RequestType.choices),
        "by_channel": _labelled_rows(report["by_channel"], Channel.choices),
        "breaches": breaches,
    }


def _closed(since: datetime, until: datetime):
    return DataSubjectRequest.objects.filter(_closed_q(since, until))


def deadline_report(
    *, now: datetime | None = None, since: datetime | None = None, until: datetime | None = None,
    act_on_at: datetime | None = None,
) -> dict[str, Any]:
    """Every figure of the deadline report, as plain data (JSON-ready but for datetimes): as of `now`, but
    the requests to act on as they stand at `act_on_at` (`now` by default; a month is reported as of its
    end, yet the DPO acts on what is late today)."""
    now = now or timezone.now()
    until = until or now
    since = since or until - DEFAULT_PERIOD
    by_type = _grouped("type", RequestType.choices, now=now, since=since, until=until)
    by_channel = _grouped("channel", Channel.choices, now=now, since=since, until=until)
    totals = {k: sum(row[k] for row in by_type) for k in _EMPTY}
    totals["on_time_rate"] = _rate(totals["closed_on_time"], totals["closed"])
    totals["closed_late"] = totals["closed"] - totals["closed_on_time"]
    totals["within_law_rate"] = _rate(totals["closed_within_law"], totals["closed"])
    totals["closed_past_law"] = totals["closed"] - totals["closed_within_law"]
    status_counts = (
        DataSubjectRequest.objects.filter(
            Q(status__in=sorted(OPEN)) | Q(closed_at__gte=since, closed_at__lt=until)
        )
        .values("type", "status")
        .annotate(count=Count("pk"))
        .order_by("type", "status")
    )
    # Recipients told to stop, by a withdrawal or by a restriction or objection in force; a correction's
    # and an erasure's notices run on the same clock (`consents.clock_sources`) but are no stops.
    duties = WithdrawalDuty.objects.stops_of_any_cause().aggregate(
        open=Count("pk", filter=Q(status=WithdrawalDuty.Status.OPEN)),
        due_soon=Count(
            "pk", filter=Q(status=WithdrawalDuty.Status.OPEN, due_at__gt=now, due_at__lte=now + DUE_SOON)
        ),
        overdue=Count("pk", filter=Q(status=WithdrawalDuty.Status.OPEN, due_at__lte=now)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__gte=since, acknowledged_at__lt=until)),
        acknowledged_on_time=Count(
            "pk",
            filter=Q(acknowledged_at__gte=since, acknowledged_at__lt=until, acknowledged_at__lte=F("due_at")),
        ),
    )
    duties["on_time_rate"] = _rate(duties["acknowledged_on_time"], duties["acknowledged"])
    # A breach belongs to the period whose deadline it passed, not to the sweep that found it (a sweep
    # late after a month's end would put it in the next month): so a month's breaches and its
    # `overdue_at_end` agree. It is found after its deadline, so `breached_at >= since` holds too,
    # and reads that column's index.
    breaches = list(
        DeadlineBreach.objects.filter(due_at__gte=since, due_at__lt=until, breached_at__gte=since)
        .values("source", "clock")
        .annotate(count=Count("pk"))
        .order_by("source", "clock")
    )
    # Refusals and partial answers closed in the period, by the legal reason each states (the regulator
    # asks on which grounds the bank said no).
    refusals = list(
        _closed(since, until)
        .filter(status__in=REFUSED)
        .values("status", reason=F("outcome_reason"))
        .annotate(count=Count("pk"))
        .order_by("status", "reason")
    )
    return report_labelled(
        {
            "generated_at": now,
            "refusals": refusals,
            "period": {"since": since, "until": until},
            "totals": totals,
            "by_type": by_type,
            "by_channel": by_channel,
            "by_type_and_status": list(status_counts),
            "withdrawal_duties": duties,
            "breaches": breaches,
            "to_act_on": to_act_on(now=act_on_at or now),
        }
    )


def on_time_trend(*, now: datetime | None = None, weeks: int = TREND_WEEKS) -> list[dict[str, Any]]:
    """On-time rate per local week (Monday first) over the last `weeks` weeks, oldest first."""
    now = now or timezone.now()
    today = timezone.localtime(now, LOCAL_TZ).date()
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    since = local_midnight(first_monday)
    per_day = (
        _closed(since, now)
        .annotate(day=TruncDate("closed_at", tzinfo=LOCAL_TZ))
        .values("day")
        .annotate(**_closed_figures())
    )
    weeks_out = [
        {"week": first_monday + timedelta(weeks=i), "closed": 0, "closed_on_time": 0} for i in range(weeks)
    ]
    for row in per_day:
        day = row["day"] if isinstance(row["day"], date) else date.fromisoformat(str(row["day"]))
        index = (day - first_monday).days // 7
        if 0 <= index < weeks:
            weeks_out[index]["closed"] += row["closed"]
            weeks_out[index]["closed_on_time"] += row["closed_on_time"]
    for week in weeks_out:
        week["on_time_rate"] = _rate(week["closed_on_time"], week["closed"])
    return weeks_out


def _month_rate(row: dict[str, int]) -> float | None:
    """The month's on-time rate, as the deadline report's over the same month (`COUNTED_FOR_RATES`): of
    the requests answered in it, and those cancelled in it after their deadline had passed (late)."""
    return _rate(row["closed_on_time"], row["closed"] + row["cancelled_late"])


def monthly_figures(*, since: datetime, until: datetime, now: datetime | None = None) -> dict[str, Any]:
    """The month as the regulator reads it, from the requests themselves (not from what is open
    today): open at its start, received in [since, until); answered in it on time or late (against
    the binding deadline), or cancelled; still open at its end, and of those past a deadline then on a
    running clock (a bank clock paused in time, awaiting the customer at the month's end, had not run
    out). A request counts as overdue in the month when it was answered late in it, cancelled in it after
    its deadline had passed (`cancelled_late`: the breach the sweep recorded stays the month's), or stood
    overdue at its end.
    Every request is accounted for: open_at_start + received = closed_on_time + closed_late +
    cancelled + open_at_end. The requests acknowledged in the month are counted on time or late
    against their acknowledgement deadline. A month not yet over is counted so far (`so_far`): its
    "end" is `now` (`as_of`), so a request not yet due is not overdue at it."""
    as_of = min(now or timezone.now(), until)
    received = _received_q(since, until)
    closed_in_month = Q(closed_at__gte=since, closed_at__lt=until)
    cancelled = closed_in_month & Q(status=RequestStatus.CANCELLED)
    answered = closed_in_month & ~Q(status=RequestStatus.CANCELLED)
    open_at = {
        moment: Q(received_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
        for moment in (since, as_of)
    }
    overdue_at_end = open_at[as_of] & (overdue_bank_q(as_of) | overdue_statutory_q(as_of))
    figures = {
        "received": Count("pk", filter=received),
        # Of those received, the repeats of an earlier request (added last in the CSV).
        "repeats": Count("pk", filter=received & REPEAT),
        "closed": Count("pk", filter=answered),
        "closed_on_time": Count("pk", filter=answered & ~CLOSED_LATE_Q),
        "closed_late": Count("pk", filter=answered & CLOSED_LATE_Q),
        "open_at_end": Count("pk", filter=open_at[as_of]),
        "overdue_at_end": Count("pk", filter=overdue_at_end),
        "open_at_start": Count("pk", filter=open_at[since]),
        "cancelled": Count("pk", filter=cancelled),
        "cancelled_late": Count("pk", filter=cancelled & CLOSED_LATE_Q),
        # An extension comes while the request is open, so `counted` below holds every one of the month.
        "extended": Count("pk", filter=_extended_q(since, until)),
        **_acknowledged_figures(since, until),
    }
    # The rows any figure can count, each branch on an index of its own (a BitmapOr), not every request
    # ever received: open now, closed since the month began (in it, or open at its end), acknowledged in
    # it. A request open at the month's start or end and closed by now was closed since it began; one
    # received in it was closed since, or is open; `closed_at` is null exactly while the status is open
    # (`request_transition` sets it on the move to an end).
    counted = Q(status__in=sorted(OPEN)) | Q(closed_at__gte=since) | _acknowledged_q(since, until)
    found = {
        row["type"]: row
        for row in DataSubjectRequest.objects.filter(counted, received_at__lt=until)
        .values("type")
        .annotate(**figures)
    }
    labels = dict(RequestType.choices)
    rows = []
    for key, _label in RequestType.choices:
        row = {"type": key, "label": str(labels[key]), **{k: found.get(key, {}).get(k, 0) for k in figures}}
        row["overdue_in_month"] = row["closed_late"] + row["cancelled_late"] + row["overdue_at_end"]
        row["on_time_rate"] = _month_rate(row)
        rows.append(row)
    totals = {k: sum(row[k] for row in rows) for k in (*figures, "overdue_in_month")}
    totals["on_time_rate"] = _month_rate(totals)
    return {"since": since, "until": until, "as_of": as_of, "so_far": as_of < until, "by_type": rows,
            "totals": totals}
