"""Reads on requests shared by the API, the pages, reports and the deadline sweeps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import ProcessingRestriction, Purpose
from consents.restrictions import restriction_scope
from core.access import subject_for_user
from core.actors import Actor
from core.errors import DomainError, PermissionDenied
from core.roles import Role, user_role
from deadlines.models import CalendarDay, RequestType
from deadlines.policy import deadlines_for
from dsr.models import (
    ContactChange,
    ContactChangeStatus,
    DataCategory,
    DataSubjectRequest,
    DeletionRecord,
    FulfilmentTask,
    LegalHold,
    RetentionRule,
    System,
    TaskStatus,
)
from dsr.states import OPEN, REQUEST_MACHINE, TASK_MACHINE, RequestStatus

DUE_SOON = timedelta(hours=24)
# The binding deadline in SQL, as `DataSubjectRequest.answer_by`: the earlier of the bank's and the law's.
ANSWER_BY = Least(F("due_at"), Coalesce(F("statutory_due_at"), F("due_at")))
CLOSED_LATE = "late"
CLOSED_ON_TIME = "on_time"
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


def requests_closed_in(
    queryset: QuerySet[DataSubjectRequest], *, since: datetime | None, until: datetime | None
) -> QuerySet[DataSubjectRequest]:
    """Requests answered in [since, until): closed, cancelled ones left out (they count for no rate)."""
    queryset = queryset.filter(closed_at__isnull=False).exclude(status="cancelled")
    if since is not None:
        queryset = queryset.filter(closed_at__gte=since)
    if until is not None:
        queryset = queryset.filter(closed_at__lt=until)
    return queryset


def request_ready_to_answer(request: DataSubjectRequest) -> bool:
    """Every system has reported on a request in progress: staff now answer the customer. The last
    task never answers by itself; this only tells the page to say so."""
    if request.status != "in_progress":
        return False
    tasks = request.tasks.filter(hold__isnull=True)
    return tasks.exists() and not tasks.filter(status=TaskStatus.OPEN).exists()


def request_list() -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.select_related("subject", "assignee")


def requests_for_subject(subject) -> QuerySet[DataSubjectRequest]:
    """A customer's own requests, and those a guardian made for a ward (never anyone else's)."""
    return request_list().filter(Q(subject=subject) | Q(guardian=subject)).order_by("-received_at")


def visible_requests(user) -> QuerySet[DataSubjectRequest]:
    """Every request for staff and clients; a customer's own (and their wards') for a customer."""
    own = subject_for_user(user)
    return requests_for_subject(own) if own is not None else request_list()


def visible_request_by_id(user, pk) -> DataSubjectRequest | None:
    return visible_requests(user).filter(pk=pk).first()


def visible_request_detail(user, pk) -> DataSubjectRequest | None:
    """The request with everything its detail shows, if `user` may see it."""
    return request_detail(pk) if visible_requests(user).filter(pk=pk).exists() else None


def request_for_work_check(user, pk) -> DataSubjectRequest | None:
    """Only what `request_work_check` reads (assignee, creator) of a request `user` may see."""
    return (
        visible_requests(user).filter(pk=pk).select_related(None)
        .only("pk", "assignee_id", "created_by_id").first()
    )


def subject_request_by_id(subject, pk) -> DataSubjectRequest | None:
    """One of the customer's own requests with its status history (the customer's request page)."""
    return requests_for_subject(subject).prefetch_related("status_changes").filter(pk=pk).first()


def request_identity_verified(pk) -> bool:
    return DataSubjectRequest.objects.filter(pk=pk, identity_verified_at__isnull=False).exists()


def deletion_records(request: DataSubjectRequest) -> QuerySet[DeletionRecord]:
    return DeletionRecord.objects.filter(request=request).select_related("category", "system")


def work_staff() -> QuerySet:
    """Staff who may be given requests."""
    return (
        get_user_model().objects.filter(
            is_active=True,
            groups__permissions__codename="work_request",
            groups__permissions__content_type__app_label="dsr",
        )
        .distinct()
        .order_by("username")
    )


def binding_due_at():
    """The date that binds an open request, as a database expression: the earlier of the bank's
    deadline and the statutory one (`DataSubjectRequest.answer_by`); null once the request is closed,
    as no deadline is left to meet."""
    return Case(
        When(status__in=sorted(OPEN), then=ANSWER_BY),
        default=None,
    )


def overdue_q(now: datetime) -> Q:
    """Open requests whose binding date has passed: either deadline passed (each on its partial index)."""
    return Q(status__in=sorted(OPEN)) & (Q(due_at__lt=now) | Q(statutory_due_at__lt=now))


def _due_between_q(start: datetime, end: datetime) -> Q:
    """Open requests whose binding date falls in [start, end]: no deadline before `start`, one by `end`."""
    return (
        Q(status__in=sorted(OPEN))
        & Q(due_at__gte=start)
        & (Q(statutory_due_at__isnull=True) | Q(statutory_due_at__gte=start))
        & (Q(due_at__lte=end) | Q(statutory_due_at__lte=end))
    )


def request_queue(
    *,
    status: str | None = None,
    type: str | None = None,
    assignee_id: int | None = None,
    overdue: bool = False,
    due_within: timedelta | None = None,
    subject_ref: str | None = None,
    closed: str | None = None,
    closed_since: datetime | None = None,
    closed_until: datetime | None = None,
    now: datetime | None = None,
    base: QuerySet[DataSubjectRequest] | None = None,
) -> QuerySet[DataSubjectRequest]:
    """The staff queue, most urgent first: open requests by their binding date (`binding_due_at`, the
    earlier of the bank's and the statutory deadline), so overdue ones lead, then closed ones, newest
    first. Filters compose; `overdue` and `due_within` look only at open requests, by binding date,
    which the partial indexes `dsr_open_by_due` and `dsr_open_by_statutory_due` serve."""
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
    if closed in (CLOSED_LATE, CLOSED_ON_TIME):
        # The requests behind the report's on-time figure: answered (not cancelled) in the period,
        # after or by their binding deadline.
        queryset = requests_closed_in(queryset, since=closed_since, until=closed_until)
        late = Q(closed_at__gt=ANSWER_BY)
        queryset = queryset.filter(late if closed == CLOSED_LATE else ~late)
        return queryset.order_by("-closed_at", "id")
    if overdue and due_within is not None:
        queryset = queryset.filter(overdue_q(now) | _due_between_q(now, now + due_within))
    elif overdue:
        queryset = queryset.filter(overdue_q(now))
    elif due_within is not None:
        queryset = queryset.filter(_due_between_q(now, now + due_within))
    return queryset.annotate(binding_due_at=binding_due_at()).order_by(
        F("binding_due_at").asc(nulls_last=True), "-received_at", "id"
    )


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
        due_soon=open_requests.filter(_due_between_q(now, now + DUE_SOON)).count(),
        overdue=open_requests.filter(overdue_q(now)).count(),
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


def tasks_open() -> QuerySet[FulfilmentTask]:
    """Every open fulfilment task, the oldest first (what staff see of the systems' work)."""
    return (
        FulfilmentTask.objects.filter(status=TaskStatus.OPEN)
        .select_related("system", "request__subject")
        .order_by("created_at")
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


def contact_changes_pending(subject, *, now: datetime | None = None) -> list[ContactChange]:
    """The customer's new phone or e-mail still waiting for its code (expired ones left out)."""
    now = now or timezone.now()
    return list(
        ContactChange.objects.filter(
            subject=subject, status=ContactChangeStatus.PENDING, expires_at__gt=now
        ).order_by("field")
    )


# Where identity can still be verified: before the work starts, or while waiting for the customer.
IDENTITY_VERIFIABLE = frozenset(
    {RequestStatus.RECEIVED, RequestStatus.VERIFYING_IDENTITY, RequestStatus.AWAITING_CUSTOMER}
)


def request_allowed_actions(
    request: DataSubjectRequest, user, *, now: datetime | None = None
) -> frozenset[str]:
    """The staff actions this person may take on this request now, from the state table and the
    services' preconditions, so a page offers only what would succeed: `acknowledge`, `verify`,
    `pause`, `resume`, `approve`, `extend`, `complete`, `reject`, `lift`."""
    now = now or timezone.now()
    status, nexts = request.status, REQUEST_MACHINE.allowed_next(request.status)
    actions: set[str] = set()
    if user.has_perm("dsr.approve_deletion") and request.type == RequestType.DELETE:
        if status == RequestStatus.IN_PROGRESS and request.approved_by_id is None:
            actions.add("approve")
    try:
        request_work_check(user, request)
    except PermissionDenied:
        return frozenset(actions)
    if not user.has_perm("dsr.work_request"):
        return frozenset(actions)
    verified = request.identity_verified_at is not None
    if status == RequestStatus.RECEIVED:
        actions.add("acknowledge")
    if not verified and status in IDENTITY_VERIFIABLE:
        actions.add("verify")
    if RequestStatus.AWAITING_CUSTOMER in nexts:
        actions.add("pause")
    if status == RequestStatus.AWAITING_CUSTOMER:
        actions.add("resume")
    if RequestStatus.REJECTED in nexts:
        actions.add("reject")
    if RequestStatus.COMPLETED in nexts and verified:
        # A deletion is completed only after another responsible person approved it (four eyes).
        four_eyes = request.type != RequestType.DELETE or (
            request.approved_by_id is not None and request.approved_by_id != user.pk
        )
        if four_eyes:
            actions.add("complete")
    if (
        status in OPEN
        and request.extended_at is None
        and (request.statutory_due_at is None or now < request.statutory_due_at)
    ):
        actions.add("extend")
    if request.type in (RequestType.RESTRICT, RequestType.OBJECT) and restriction_in_force(request):
        actions.add("lift")
    return frozenset(actions)


def task_request_workable(task: FulfilmentTask, request: DataSubjectRequest) -> bool:
    """Whether the request is at a stage where this task may be worked: while it is in progress. The
    erase task of an ended hold comes long after its request was answered, and a customer's own
    confirmed change (`dsr.services.profile`) is completed at once while each system applies it."""
    return (
        request.status == RequestStatus.IN_PROGRESS
        or task.hold_id is not None
        or (request.type == RequestType.RECTIFY and request.status == RequestStatus.COMPLETED)
    )


def task_allowed_actions(task: FulfilmentTask, actor: Actor) -> frozenset[str]:
    """What this actor may do with the task now: "complete" (pages and API ask this; the caller checks
    the staff member's permission). An integration client works only its own system's tasks."""
    if actor.is_client and task.system.integration_client_id != actor.user_id:
        return frozenset()
    if TASK_MACHINE.is_allowed(task.status, TaskStatus.DONE) and task_request_workable(task, task.request):
        return frozenset({"complete"})
    return frozenset()


# What each right gives, in the customer's words (shown before they choose, so access and copy are not
# confused).
REQUEST_TYPE_EXPLAINED = {
    RequestType.ACCESS: _(
        "We tell you what personal data the bank holds about you, why, where it came from and who it "
        "was shared with. You read it on screen."
    ),
    RequestType.COPY: _(
        "You receive a file with your personal data (a readable page, JSON or CSV) to download and keep."
    ),
    RequestType.RECTIFY: _("We correct personal data that is wrong or out of date."),
    RequestType.DELETE: _("We delete your personal data, except what the law requires the bank to keep."),
    RequestType.RESTRICT: _("We keep your data but stop using it for the purposes you choose for a while."),
    RequestType.OBJECT: _("You object to a use of your data; we stop unless the law requires it."),
    RequestType.WITHDRAW: _("You withdraw a consent you gave; it applies from now on."),
    RequestType.COMPLAINT: _("You complain about how the bank handles your data or ask for protection."),
}

# How identity is verified for a request sent from self-service (the methods a privacy officer records).
SELF_SERVICE_IDENTITY_STEPS = (
    _("a one-time code (OTP) sent by text message to the phone number registered with the bank;"),
    _("or, if you no longer have that phone, eKYC in the mobile app (your CCCD chip and a face check);"),
    _("or your CCCD or passport, shown at any branch."),
)


@dataclass(frozen=True)
class RequestTimeframe:
    type: str
    label: str
    explained: str
    answer_by: datetime | None
    statutory_by: datetime | None


def request_timeframes(*, now: datetime | None = None) -> list[RequestTimeframe]:
    """For each request type, what it gives and both dates a request sent now would have: the bank's
    commitment and the law's latest date, from the one deadline policy (never a number of days here)."""
    now = now or timezone.now()
    rows = []
    for value, label in RequestType.choices:
        try:
            clocks = deadlines_for(request_type=value, received_at=now)
        except DomainError:
            clocks = None
        rows.append(
            RequestTimeframe(
                type=value,
                label=label,
                explained=REQUEST_TYPE_EXPLAINED.get(value, ""),
                answer_by=clocks.due_at if clocks else None,
                statutory_by=clocks.statutory_due_at if clocks else None,
            )
        )
    return rows


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
    near = _due_between_q(now, soon)
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


def system_list() -> QuerySet[System]:
    return System.objects.all()


def system_by_id(pk) -> System | None:
    return System.objects.filter(pk=pk).first()


def data_category_list() -> QuerySet[DataCategory]:
    return DataCategory.objects.all()


def retention_rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.all()


def systems_inventory() -> dict[str, QuerySet]:
    """The inventory page's three lists: systems with their categories and client, categories with
    their retention rule, and the rules."""
    return {
        "systems": System.objects.prefetch_related("categories").select_related("integration_client"),
        "categories": DataCategory.objects.select_related("retention"),
        "rules": RetentionRule.objects.all(),
    }
