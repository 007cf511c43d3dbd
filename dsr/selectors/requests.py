"""Reads on one request or a person's requests: who may see them, what a page shows of one, and what a
staff member or the customer may do with it now."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import subject_for_user
from core.actors import actor_for_user
from core.errors import PermissionDenied
from core.roles import STAFF_ROLES, Role, user_role, user_roles
from deadlines.models import RequestType
from deadlines.policy import LOCAL_TZ
from dsr.models import (
    ContactChange,
    ContactChangeStatus,
    DataSubjectRequest,
    DeletionRecord,
    LegalHold,
    TaskStatus,
)
from dsr.selectors.clocks import request_extension_refusal
from dsr.selectors.deletions import request_erasure_held
from dsr.selectors.guardians import request_guardian_refusal
from dsr.selectors.identity import identity_check_awaited
from dsr.selectors.recipients import request_recipients_open
from dsr.selectors.restrictions import restriction_in_force
from dsr.states import (
    OPEN,
    REQUEST_MACHINE,
    RequestStatus,
    actions_on_requesters_authority,
    may_end_unanswered,
)
from subjects.selectors import subject_id_for_cif, ward_verified_by_id, wards_verified
from subjects.staff_records import own_record_refusal


def request_ready_to_answer(request: DataSubjectRequest) -> bool:
    """Every system has reported on a request in progress: staff now answer the customer. The last
    task never answers by itself; this only tells the page to say so."""
    if request.status != "in_progress":
        return False
    tasks = request.tasks.filter(hold__isnull=True)
    return (
        tasks.exists()
        and not tasks.filter(status=TaskStatus.OPEN).exists()
        and not request_recipients_open(request)
    )


def request_list() -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.select_related("subject", "assignee")


def requests_for_subject(subject) -> QuerySet[DataSubjectRequest]:
    """A customer's own requests, and those they made as guardian for a ward they still act for: the
    guardianship verified and in force, the ward still a child (`wards_verified`). A former guardian
    (a court decision, another guardian named, the ward's 16th birthday) no longer reads them; the
    child and staff still do. Never anyone else's."""
    acting_for = Q(guardian=subject, subject__in=wards_verified(subject))
    return request_list().filter(Q(subject=subject) | acting_for).order_by("-received_at", "-pk")


def requests_open_count_for_subject(subject) -> int:
    """How many of `requests_for_subject` are still open (the customer's dashboard card)."""
    return requests_for_subject(subject).filter(status__in=sorted(OPEN)).count()


def requests_listed_for_customer(subject) -> QuerySet[DataSubjectRequest]:
    """`requests_for_subject` with each request's status history, which words a cancellation by who made
    it (`DataSubjectRequest.status_for_customer`): the customer's list reads a fixed number of queries."""
    return requests_for_subject(subject).prefetch_related("status_changes").select_related("representative")


def requests_of_customer(
    subject_ref: str | None = None,
    *,
    subject_id: uuid.UUID | None = None,
    as_guardian: bool = False,
    base: QuerySet[DataSubjectRequest] | None = None,
) -> QuerySet[DataSubjectRequest]:
    """The requests staff see under one customer number (CIF): the customer's own and, `as_guardian`,
    those they filed as guardian for a ward, whether or not they still act for the ward (the bank's
    record of what the customer asked; `requests_for_subject` is what the customer still reads).
    The customer page's request panel and the queue's customer filter read the same set here.
    The customer is looked up once (by CIF, or `subject_id` when the caller has them) so the filter
    reads the two foreign-key indexes, not an OR across two joined subject tables."""
    queryset = base if base is not None else request_list()
    if subject_id is None:
        subject_id = subject_id_for_cif(subject_ref or "")
        if subject_id is None:
            return queryset.none()
    mine = Q(subject_id=subject_id)
    if as_guardian:
        mine |= Q(guardian_id=subject_id)
    return queryset.filter(mine)


def requests_of_customer_newest_first(subject_id: uuid.UUID) -> QuerySet[DataSubjectRequest]:
    """`requests_of_customer` with those the customer filed as guardian, newest first: the customer
    page's panel, which lists the head and links to the queue for the rest."""
    return requests_of_customer(subject_id=subject_id, as_guardian=True).order_by("-received_at")


def subject_acts_on_request(subject, request: DataSubjectRequest) -> bool:
    """Whether `subject` may act on `request` as `requests_for_subject` lets them see it: their own, or
    their ward's while they still act for the ward."""
    if subject is None:
        return False
    if subject.pk == request.subject_id:
        return True
    return subject.pk == request.guardian_id and ward_verified_by_id(subject, request.subject_id) is not None


# YC-261202-CDE639 as given, in any case, with or without the prefix or the dashes; or the bare hex
# digits (the e-mails of earlier releases quoted the first eight: CDE6393C).
_REFERENCE = re.compile(r"^(?:(?:YC)?-?\s*(?P<day>\d{6})\s*-?\s*)?(?P<hex>[0-9A-F]{6,32})$")


def _ids_starting_with(hex_digits: str) -> Q:
    """The ids that begin with these hex digits, as a range on the primary key: both databases order
    ids by their hex digits, so the index answers it (`istartswith` cast every id to text)."""
    free = 32 - len(hex_digits)
    first = int(hex_digits, 16) << (4 * free)
    after = first + (1 << (4 * free))
    in_range = Q(pk__gte=uuid.UUID(int=first))
    return in_range & Q(pk__lt=uuid.UUID(int=after)) if after < 1 << 128 else in_range


def requests_by_reference(text: str) -> QuerySet[DataSubjectRequest]:
    """The requests a reference given by a customer names (`dsr.models.request_reference`): usually
    one; none for a text that is no reference. The receipt day narrows the hex digits when given."""
    match = _REFERENCE.match((text or "").strip().upper().replace(" ", ""))
    if match is None:
        return DataSubjectRequest.objects.none()
    found = request_list().filter(_ids_starting_with(match["hex"]))
    if match["day"]:
        try:
            day = datetime.strptime(match["day"], "%y%m%d").replace(tzinfo=LOCAL_TZ)
        except ValueError:
            return DataSubjectRequest.objects.none()
        found = found.filter(received_at__gte=day, received_at__lt=day + timedelta(days=1))
    return found.order_by("-received_at", "-pk")


def request_names_subject(subject_id: uuid.UUID, word: str) -> bool:
    """Whether `word` is the reference or id of a request for this customer or filed by them as guardian:
    the request staff give as their need to see the customer's values (`core.references`)."""
    try:
        named = request_list().filter(pk=uuid.UUID(word))
    except ValueError:
        named = requests_by_reference(word)
    return named.filter(Q(subject_id=subject_id) | Q(guardian_id=subject_id)).exists()


def visible_requests(user, *, filed_only: bool = False) -> QuerySet[DataSubjectRequest]:
    """Every request for staff and clients; a customer's own (and their wards') for a customer.
    `filed_only`: those `user` filed, for a processor (a client serving some purposes only), which has
    no need of the other customers' requests (Law 91/2025, data minimisation)."""
    own = subject_for_user(user)
    if own is not None:
        return requests_for_subject(own)
    return request_list().filter(created_by=user) if filed_only else request_list()


def visible_request_by_id(user, pk, *, filed_only: bool = False) -> DataSubjectRequest | None:
    return visible_requests(user, filed_only=filed_only).filter(pk=pk).first()


def visible_request_detail(user, pk, *, filed_only: bool = False) -> DataSubjectRequest | None:
    """The request with everything its detail shows, if `user` may see it (one query and its
    prefetches: whether it is visible is part of the query that loads it)."""
    return _with_detail(visible_requests(user, filed_only=filed_only)).filter(pk=pk).first()


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


def staff_member_exists(user_id: int) -> bool:
    """Whether `user_id` is a staff member's account, working requests or not, active or not, or a
    former one's: a request is assigned only to staff, and one who left (their role removed) keeps the
    closed requests they worked, which stay findable by their name."""
    if user_roles([user_id]).get(user_id) in STAFF_ROLES:
        return True
    return DataSubjectRequest.objects.filter(assignee_id=user_id).exists()


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


def _with_detail(queryset: QuerySet[DataSubjectRequest]) -> QuerySet[DataSubjectRequest]:
    """What a request's detail shows besides the request: who verified it, the guardian, its history,
    clock, tasks and holds."""
    return queryset.select_related("identity_verified_by", "guardian", "repeat_of").prefetch_related(
        "status_changes__actor_user", "clock_events", "tasks__system", "legal_holds__category",
        "legal_holds__system",
    )


def request_detail(request_id) -> DataSubjectRequest | None:
    return _with_detail(request_list()).filter(pk=request_id).first()


def holds_for_request(request: DataSubjectRequest) -> QuerySet[LegalHold]:
    return request.legal_holds.select_related("category", "system").order_by("ends_on")


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


def request_tasks_open(request: DataSubjectRequest) -> bool:
    """Whether a system has yet to report on the request; reads the tasks the page or API prefetched."""
    return any(task.status == TaskStatus.OPEN for task in request.tasks.all())


def request_allowed_actions(
    request: DataSubjectRequest, user, *, now: datetime | None = None
) -> frozenset[str]:
    """The actions this person may take on this request now, from the state table and the services'
    preconditions, so a page offers only what would succeed. Staff: `acknowledge`, `verify`, `pause`,
    `resume`, `approve`, `extend`, `complete`, `reject`, `lift`, `cancel` (recording that the customer
    asked to); the customer (or the guardian acting
    for them): `reply`, while the bank waits for their answer (`request_customer_reply`), and `cancel`.
    A guardian's request is taken no further once that guardian no longer acts for the child: only
    what ends it unanswered (and what moves nothing) is offered then. Staff on their own, their ward's
    or their guardian's request are offered nothing."""
    now = now or timezone.now()
    if user_role(user) == Role.CUSTOMER:
        actions = _customer_actions(request, user)
    else:
        actions = _staff_actions(request, user, now=now)
        # Every staff action on a request is refused on their own, their ward's or their guardian's
        # (`own_record_check` in each service: moves, verification, approval, extension, lift).
        if actions and own_record_refusal(actor_for_user(user), request.subject_id) is not None:
            return frozenset()
    on_authority = actions_on_requesters_authority(request, actions)
    if on_authority and request_guardian_refusal(request, now=now) is not None:
        actions -= on_authority
    return frozenset(actions)


def _staff_actions(request: DataSubjectRequest, user, *, now: datetime) -> set[str]:
    status, nexts = request.status, REQUEST_MACHINE.allowed_next(request.status)
    actions: set[str] = set()
    if user.has_perm("dsr.approve_deletion") and request.type == RequestType.DELETE:
        if status == RequestStatus.IN_PROGRESS and request.approved_by_id is None:
            actions.add("approve")
    try:
        request_work_check(user, request)
    except PermissionDenied:
        return actions
    if not user.has_perm("dsr.work_request"):
        return actions
    verified = request.identity_verified_at is not None
    if status == RequestStatus.RECEIVED:
        actions.add("acknowledge")
    if identity_check_awaited(request):
        actions.add("verify")
    if RequestStatus.AWAITING_CUSTOMER in nexts:
        actions.add("pause")
    if status == RequestStatus.AWAITING_CUSTOMER:
        actions.add("resume")
    if RequestStatus.REJECTED in nexts and may_end_unanswered(request):
        actions.add("reject")
    if RequestStatus.CANCELLED in nexts and may_end_unanswered(request):
        actions.add("cancel")
    if RequestStatus.COMPLETED in nexts and verified:
        # A deletion is completed only after another responsible person approved it (four eyes); a
        # withdrawal once every recipient confirmed it stopped (the page lists those still open).
        four_eyes = request.type != RequestType.DELETE or (
            request.approved_by_id is not None and request.approved_by_id != user.pk
        )
        # Every system reports first (`dsr.services.fulfilment`): until then nobody may answer, and the
        # page says who closes the systems' tasks; nor is a deletion answered under a hold for a dispute.
        reported = not request_tasks_open(request) and not request_erasure_held(request, now=now)
        if four_eyes and reported and not request_recipients_open(request):
            actions.add("complete")
    if request_extension_refusal(request, now=now) is None:
        actions.add("extend")
    if request.type in (RequestType.RESTRICT, RequestType.OBJECT) and restriction_in_force(request):
        actions.add("lift")
    return actions


def _customer_actions(request: DataSubjectRequest, user) -> set[str]:
    own = subject_for_user(user)
    if own is None or own.pk not in (request.subject_id, request.guardian_id):
        return set()
    actions: set[str] = set()
    if request.status == RequestStatus.AWAITING_CUSTOMER:
        actions.add("reply")
    # Not once a withdrawal is in force: the customer cannot take back a stop the bank has applied.
    if REQUEST_MACHINE.is_allowed(request.status, RequestStatus.CANCELLED) and may_end_unanswered(request):
        actions.add("cancel")
    return actions
