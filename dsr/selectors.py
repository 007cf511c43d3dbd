"""Reads on requests shared by the API, the pages, reports and the deadline sweeps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import ProcessingRestriction, Purpose
from consents.restrictions import restriction_scope
from core.errors import PermissionDenied
from core.roles import Role, user_role
from deadlines.models import CalendarDay, RequestType
from dsr.models import DataSubjectRequest, FulfilmentTask, LegalHold, TaskStatus
from dsr.states import OPEN

DUE_SOON = timedelta(hours=24)
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


def request_list() -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.select_related("subject", "assignee")


def requests_for_subject(subject) -> QuerySet[DataSubjectRequest]:
    """A customer's own requests, and those a guardian made for a ward (never anyone else's)."""
    return request_list().filter(Q(subject=subject) | Q(guardian=subject)).order_by("-received_at")


def request_queue(
    *,
    status: str | None = None,
    type: str | None = None,
    assignee_id: int | None = None,
    overdue: bool = False,
    due_within: timedelta | None = None,
    subject_ref: str | None = None,
    now: datetime | None = None,
    base: QuerySet[DataSubjectRequest] | None = None,
) -> QuerySet[DataSubjectRequest]:
    """The staff queue: filters compose; `overdue` and `due_within` look only at open requests, by
    deadline, which the partial index `dsr_open_by_due` serves."""
    now = now or timezone.now()
    queryset = (base if base is not None else request_list()).defer(*LIST_DEFERRED)
    if status:
        queryset = queryset.filter(status=status)
    if type:
        queryset = queryset.filter(type=type)
    if assignee_id is not None:
        queryset = queryset.filter(assignee_id=assignee_id)
    if subject_ref:
        queryset = queryset.filter(subject__external_ref=subject_ref)
    if overdue or due_within is not None:
        queryset = queryset.filter(status__in=sorted(OPEN))
        if overdue and due_within is not None:
            queryset = queryset.filter(due_at__lte=now + due_within)
        elif overdue:
            queryset = queryset.filter(due_at__lt=now)
        else:
            queryset = queryset.filter(due_at__gte=now, due_at__lte=now + due_within)
        return queryset.order_by("due_at", "id")
    return queryset.order_by("-received_at", "id")


@dataclass(frozen=True)
class QueueCounts:
    open: int
    due_soon: int
    overdue: int


def request_counts(*, now: datetime | None = None, assignee_id: int | None = None) -> QueueCounts:
    now = now or timezone.now()
    open_requests = DataSubjectRequest.objects.filter(status__in=sorted(OPEN))
    if assignee_id is not None:
        open_requests = open_requests.filter(assignee_id=assignee_id)
    return QueueCounts(
        open=open_requests.count(),
        due_soon=open_requests.filter(due_at__gte=now, due_at__lte=now + DUE_SOON).count(),
        overdue=open_requests.filter(due_at__lt=now).count(),
    )


def request_work_check(user, request: DataSubjectRequest, *, download: bool = False) -> None:
    """Raise PermissionDenied unless this staff member may act on the request (or, with `download`,
    take a copy of the customer's data from it).

    Need to know: a front-line officer works only what they took in or are assigned, and downloads a
    customer's data only when assigned; privacy officers and the DPO work the whole queue. The
    caller has already checked the role's permission and that the request is visible at all."""
    if user_role(user) != Role.OFFICER:
        return
    if request.assignee_id == user.pk:
        return
    if download:
        raise PermissionDenied(_("Only the staff member assigned to this request may download its data."))
    if request.created_by_id != user.pk:
        raise PermissionDenied(_("You may work only on requests you took in or that are assigned to you."))


def request_detail(request_id) -> DataSubjectRequest | None:
    return (
        request_list()
        .select_related("identity_verified_by", "guardian")
        .prefetch_related(
            "status_changes", "clock_events", "tasks__system", "legal_holds__category", "legal_holds__system"
        )
        .filter(pk=request_id)
        .first()
    )


def tasks_for_client(user) -> QuerySet[FulfilmentTask]:
    """Open tasks of the systems an integration client answers for: those of requests in progress,
    and the erase tasks of ended legal holds (their requests were answered long before)."""
    return (
        FulfilmentTask.objects.filter(system__integration_client=user, status=TaskStatus.OPEN)
        .filter(Q(request__status="in_progress") | Q(hold__isnull=False))
        .select_related("system", "request", "request__subject")
        .order_by("created_at")
    )


def holds_for_request(request: DataSubjectRequest) -> QuerySet[LegalHold]:
    return request.legal_holds.select_related("category", "system").order_by("ends_on")


def restriction_in_force(request: DataSubjectRequest) -> bool:
    """Whether the restriction or objection this request put in place still stands."""

    return ProcessingRestriction.objects.filter(
        source=f"dsr.request:{request.pk}", lifted_at__isnull=True
    ).exists()


def request_not_covered(request: DataSubjectRequest) -> list[dict[str, str]]:
    """The purposes a restriction or objection leaves alone, each with the legal reason the customer
    reads (a request naming no purpose is read against every active purpose)."""
    if request.type not in (RequestType.RESTRICT, RequestType.OBJECT):
        return []
    purposes = Purpose.objects.filter(active=True)
    if request.purposes:
        purposes = Purpose.objects.filter(code__in=request.purposes)
    scope = restriction_scope(kind=request.type, purposes=purposes.order_by("code"))
    return [
        {"purpose": purpose.code, "name": purpose.name, "reason": str(reason)}
        for purpose, reason in scope.not_covered
    ]


def calendar_runs_out_on(*, today: date | None = None) -> date | None:
    """The last day of the working-day calendar when it is less than 90 days away (or past): after
    it, working-day deadlines would count every weekday as working. None while the calendar reaches
    far enough."""
    today = today or timezone.localdate()
    last = CalendarDay.objects.order_by("-date").values_list("date", flat=True).first()
    if last is None or last - today < CALENDAR_WARNING:
        return last or today
    return None


def request_corrections(request: DataSubjectRequest) -> dict[str, str]:
    """A rectification's corrected values, field → value (empty for other requests)."""
    return json.loads(request.corrections) if request.corrections else {}


# How far ahead a deadline counts as near on the dashboard's clock chart.
DUE_WITHIN_DAYS = 3


def request_clock_states(*, now: datetime | None = None) -> list[dict]:
    """Open requests by clock state, each counted once under its worst state: overdue on the
    statutory clock, overdue on the bank's clock, due within three days (the earlier of the two
    dates), on track."""
    now = now or timezone.now()
    soon = now + timedelta(days=DUE_WITHIN_DAYS)
    statutory_over = Q(statutory_due_at__lt=now)
    bank_over = Q(due_at__lt=now) & ~statutory_over
    near = (Q(due_at__lte=soon) | Q(statutory_due_at__lte=soon)) & ~Q(due_at__lt=now) & ~statutory_over
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
