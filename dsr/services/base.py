"""What every request service builds on: locking a request (its customer first), the permission a
service checks itself, and the request's clocks (recomputed from the deadline policy, each change a
recorded clock event)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.catalogue import with_versions
from consents.models import Purpose
from core.actors import Actor
from core.db import locked_or_not_found
from core.errors import NotFound, PermissionDenied
from deadlines.clocks import deadline_missed_record
from deadlines.policy import LOCAL_TZ, deadline_fallen_due
from dsr.clock_sources import SOURCE
from dsr.models import (
    ClockEvent,
    DataSubjectRequest,
    RequestClockEvent,
)
from dsr.selectors.clocks import clocks_fallen_due, request_deadlines
from dsr.states import OPEN, REQUEST_CLOCK_FIELDS
from subjects.locks import locked_after_customers, subjects_lock


def request_locked(request_id, *, now: datetime | None = None) -> tuple[DataSubjectRequest, datetime]:
    """The request locked for the caller's transaction, its customer's row locked before it (the one
    lock order, `subjects.locks`), and the time to stamp the write with (`now`, else the clock read
    once both locks are held: a write that waited is stamped after the one it waited for). Every
    request service starts here; NotFound (404) when there is no such request."""
    # A request never changes customer: the one read before the locks is the one locked.
    subject_id = DataSubjectRequest.objects.filter(pk=request_id).values_list("subject_id", flat=True).first()
    if subject_id is None:
        raise NotFound(_("No such request."))
    subjects_lock([subject_id])
    request = locked_or_not_found(DataSubjectRequest, request_id, _("No such request."))
    return request, now or timezone.now()


def requests_lock(ids) -> None:
    """Lock these requests' rows (in id order) without loading them, their customers locked first by
    the caller. Not a key lock: a task or hold being written for one of them holds a key-share lock on
    it, as the caller's own may."""
    list(
        DataSubjectRequest.objects.select_for_update(no_key=True)
        .filter(pk__in=[pk for pk in ids if pk is not None])
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def request_purposes(request: DataSubjectRequest) -> list[Purpose] | None:
    """The purposes a restriction, objection or withdrawal names (None: all it can reach), with their
    versions, by which each is judged (`consents.catalogue.purpose_in_force`)."""
    if not request.purposes:
        return None
    return list(with_versions(Purpose.objects.filter(code__in=request.purposes).order_by("code")))


def actor_user(actor: Actor):
    """The user behind an actor, for permission checks that a service itself must make."""
    if actor.user_id is None:
        return None
    return get_user_model().objects.filter(pk=actor.user_id).first()


def require_permission(actor: Actor, permission: str) -> None:
    user = actor_user(actor)
    if user is None or not user.has_perm(permission):
        raise PermissionDenied()


def clock_processor_involved(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> None:
    """This request's fan-out reached a processor or third party: the law's longer period applies to
    it (and to no other request), a recorded clock event when it lengthens the statutory deadline (a type
    whose rows give no longer period, access under Law 91, lengthens nothing). Caller's transaction,
    request locked."""
    if request.processor_involved:
        return
    request.processor_involved = True
    statutory = request.statutory_due_at
    clocks_recompute(request, now=now)
    request.save(update_fields=["processor_involved", *RECOMPUTED_FIELDS, "updated_at"])
    lengthened = request.statutory_due_at
    if statutory is not None and lengthened is not None and lengthened > statutory:
        clock_record(request, ClockEvent.PROCESSOR, actor=actor, now=now)


def requests_crossing_locked(*, day: date) -> list[DataSubjectRequest]:
    """The open requests whose clocks run across `day`, locked for the caller's transaction in the one
    order (`subjects.locks.locked_after_customers`): their customers, then them, in id order; one taken
    in (or whose clocks moved past the day) while it waited, after its customer. The caller takes them
    before its first audit entry: a staff move holding a customer and a request writes its entries
    next."""
    start_of_day = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ)
    crossing = DataSubjectRequest.objects.filter(
        Q(due_at__gte=start_of_day)
        | Q(statutory_due_at__gte=start_of_day)
        | Q(acknowledge_by__gte=start_of_day),
        status__in=sorted(OPEN),
        received_at__lt=start_of_day,
    )
    return locked_after_customers(crossing)


def clocks_recompute_for_calendar(
    requests: list[DataSubjectRequest], *, day: date, actor: Actor, now: datetime
) -> int:
    """After `day` entered or left the working-day calendar, recompute the deadlines of the open
    requests whose clocks run across it (`requests_crossing_locked`), each move a recorded clock event.
    A deadline never moves earlier than the one already given, and one that has fallen due not at all
    (`clocks_move_later`): a holiday added in the past cannot undo a breach. Caller's transaction;
    returns how many requests moved."""
    moved = 0
    for request in requests:
        fallen = clocks_fallen_due(request, now=now)
        deadlines = request_deadlines(request)
        changed = clocks_move_later(request, deadlines, ("due_at", "acknowledge_by"), now=now, fallen=fallen)
        statutory = request.statutory_due_at, request.statutory_regime
        # With its regime: the date may now be another law's, moved or not (`statutory_recompute`).
        statutory_recompute(request, deadlines, now=now, fallen=fallen)
        if (request.statutory_due_at, request.statutory_regime) != statutory:
            changed += ["statutory_due_at", "statutory_regime"]
        if changed:
            request.save(update_fields=[*changed, "updated_at"])
            clock_record(request, ClockEvent.CALENDAR, actor=actor, now=now, note=day.isoformat())
            moved += 1
    return moved


def clocks_move_later(
    request: DataSubjectRequest, deadlines, names, *, now: datetime, fallen: set[str] | None = None
) -> list[str]:
    """Set the request's clocks `names` to `deadlines` where that is later: a date already given to the
    customer is never brought forward, and one that has fallen due (`fallen`, by default
    `clocks_fallen_due` at `now`) is not moved at all. Returns the names that moved."""
    fallen = clocks_fallen_due(request, now=now) if fallen is None else fallen
    changed = []
    for name in names:
        old, new = getattr(request, name), getattr(deadlines, name)
        if name not in fallen and old is not None and new is not None and new > old:
            setattr(request, name, new)
            changed.append(name)
    return changed


# What a recomputation of the clocks may change; a caller saving after `clocks_recompute` saves these.
RECOMPUTED_FIELDS = ("due_at", "statutory_due_at", "statutory_regime")
# What ending a pause changes besides (`clocks_resume`).
PAUSE_FIELDS = ("paused_at", "paused_seconds", "bank_paused_seconds", "statutory_paused_seconds")


def clocks_resume(request: DataSubjectRequest, *, now: datetime) -> None:
    """End the request's pause and recompute its deadlines. Each clock is credited with the time it
    really stood still: the whole pause if it still had time left when the pause began, none if it had
    run out by then (the sweeper breached it and every count held it overdue during the pause), so a
    late pause moves no deadline, now or at a later recomputation (extension, processor, calendar)."""
    # Which clocks fell due is judged with the pause still on: one it stopped in time has not.
    fallen = clocks_fallen_due(request, now=now)
    waited = max(0, int((now - request.paused_at).total_seconds()))
    request.paused_seconds += waited
    if request.bank_clock_stopped():
        request.bank_paused_seconds += waited
    if request_deadlines(request).statutory_stopped:
        request.statutory_paused_seconds += waited
    request.paused_at = None
    clocks_recompute(request, now=now, fallen=fallen)


def clocks_recompute(request: DataSubjectRequest, *, now: datetime, fallen: set[str] | None = None):
    """Recompute both deadlines after a resumption, the extension or a processor; neither moves earlier,
    and one that has fallen due (`fallen`, by default `clocks_fallen_due` at `now`) does not move."""
    fallen = clocks_fallen_due(request, now=now) if fallen is None else fallen
    deadlines = request_deadlines(request)
    clocks_move_later(request, deadlines, ("due_at",), now=now, fallen=fallen)
    statutory_recompute(request, deadlines, now=now, fallen=fallen)
    return deadlines


def statutory_recompute(
    request: DataSubjectRequest, deadlines=None, *, now: datetime, fallen: set[str] | None = None
) -> None:
    """Set the statutory deadline (and the regime that sets it) as the request's policy gives it now,
    never earlier than the one given, and not at all once it has fallen due (`fallen`, by default
    `deadline_fallen_due` at `now`: a pause begun after it leaves it set, and breached). While a pause
    holds every statutory clock there is none (and when it ends there is one again); the regime then
    stays the one last in force. A date that stays where it was takes the regime setting it now: another
    law's clock may have come to end at the same moment (a holiday moving Law 91's past it)."""
    deadlines = deadlines or request_deadlines(request)
    new, old = deadlines.statutory_due_at, request.statutory_due_at
    fallen_due = "statutory_due_at" in fallen if fallen is not None else deadline_fallen_due(old, now=now)
    if fallen_due:
        return
    if new is None or old is None or new >= old:
        request.statutory_due_at = new
        if deadlines.regime:
            request.statutory_regime = deadlines.regime


def clock_record(
    request: DataSubjectRequest,
    kind: str,
    *,
    actor: Actor,
    now: datetime,
    at: datetime | None = None,
    note: str = "",
) -> None:
    """A clock event of the request at `at` (by default `now`: a clock started on a receipt recorded
    later starts at the receipt), and its audit entry, stamped `now`; both name the regime whose
    deadline the statutory date is."""
    RequestClockEvent.objects.create(
        request=request,
        kind=kind,
        at=at or now,
        due_at=request.due_at,
        statutory_due_at=request.statutory_due_at,
        statutory_regime=request.statutory_regime,
        actor_label=actor.label[:150],
        note=note,
    )
    audit_record(
        action=f"dsr.clock.{kind}",
        actor=actor,
        subject=request.subject_id,
        target=request,
        now=now,
        data={
            "due_at": request.due_at.isoformat(),
            "statutory_due_at": request.statutory_due_at.isoformat() if request.statutory_due_at else None,
            "statutory_regime": request.statutory_regime or None,
        },
    )


def missed_deadlines_record(request: DataSubjectRequest, *, actor: Actor, now: datetime) -> None:
    """Record, in the caller's transaction, the deadlines a move just ended after, as the sweep records
    them (`deadline_missed_record`: register, audit entry, DPO's e-mail, the timeline's breach): every
    clock of a request it closed, the acknowledgement deadline of one it acknowledged. A late closing
    between two sweeps is so on the register at once; the closing is then marked and no sweep reads it."""
    clocks = REQUEST_CLOCK_FIELDS if request.closed_at is not None else ("acknowledge",)
    for clock in clocks:
        # A deadline still ahead cannot have been missed: most closings ask the register nothing.
        if deadline_fallen_due(getattr(request, REQUEST_CLOCK_FIELDS[clock]), now=now):
            deadline_missed_record(source=SOURCE, clock=clock, item_id=request.pk, actor=actor, now=now)
    if request.closed_at is not None:
        request.missed_recorded_at = now
        request.save(update_fields=["missed_recorded_at"])
