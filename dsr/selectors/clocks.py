"""A request's clocks read from its own history: the deadlines its policy gives it now
(`request_deadlines`), those that have fallen due (`clocks_fallen_due`), and whether the one-time
extension would be accepted (`request_extension_refusal`), the one rule the extension service applies
and the request page and API read to offer it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, DomainError, InvalidTransition
from deadlines.history import policies_as_of
from deadlines.policy import (
    deadline_fallen_due,
    deadlines_for,
    policies_extendable,
    policies_from_snapshot,
)
from dsr.models import DataSubjectRequest
from dsr.states import REQUEST_CLOCK_FIELDS, REQUEST_MACHINE

# The fields holding the request's deadlines, one per clock (`REQUEST_CLOCK_FIELDS`).
CLOCK_FIELD_NAMES = tuple(REQUEST_CLOCK_FIELDS.values())


def request_deadlines(request: DataSubjectRequest, *, extended: bool | None = None):
    """The request's clocks from its own history, timed by the policy rows in force when it was received
    (`request_policies`) and today's calendar: while it is paused, a statutory clock whose row may pause
    stands still (`deadlines_for`'s `paused_since`), so `statutory_due_at` then holds only the law's
    clocks that keep running (none: null), and the sweeper, queue, dashboard and reports, which all read
    it, neither remind, breach nor count it overdue until the pause ends and the deadline moves by the
    time paused. `extended`: as if the extension were (or were not) used, by default as it is."""
    return deadlines_for(
        request_type=request.type,
        received_at=request.received_at,
        subject=request.subject_id,
        processor_involved=request.processor_involved,
        paused=timedelta(seconds=request.bank_paused_seconds),
        statutory_paused=timedelta(seconds=request.statutory_paused_seconds),
        paused_since=request.paused_at,
        extended=request.extension_used() if extended is None else extended,
        policies=request_policies(request),
    )


def request_policies(request: DataSubjectRequest):
    """The policy rows that time `request`: those in force when it was received (`deadline_policy`),
    else, for one closed before it kept them, the table's as it stood then (`policies_as_of`)."""
    if request.deadline_policy:
        return policies_from_snapshot(request.deadline_policy)
    return policies_as_of(request.type, request.received_at)


def clocks_fallen_due(request: DataSubjectRequest, *, now: datetime) -> set[str]:
    """The request's clocks (`CLOCK_FIELD_NAMES`) that fell due at or before `now` while running
    (`deadline_fallen_due`): a recomputation leaves them where they are. The bank's clock stood still
    in a pause begun before its deadline (`bank_clock_stopped`): it has not fallen due, and the pause
    moves it when it ends."""
    return {
        name
        for name in CLOCK_FIELD_NAMES
        if deadline_fallen_due(getattr(request, name), now=now)
        and not (name == "due_at" and request.bank_clock_stopped(now))
    }


def request_extension_refusal(
    request: DataSubjectRequest, *, now: datetime, fallen: set[str] | None = None
) -> DomainError | None:
    """Why the one-time extension of `request` would be refused at `now` (the 409 the service raises),
    or None when it would be accepted. `fallen`: its `clocks_fallen_due` at `now`, when the caller has
    them. Reads the policy rows only, not the working-day calendar: pages ask it for every request shown."""
    if request.status in REQUEST_MACHINE.terminal:
        return InvalidTransition(status=request.get_status_display())
    if request.extended_elsewhere_until is not None:
        return Conflict(
            _("%(bank)s already extended this request before the transfer; the law allows one extension."),
            code="already_extended", bank=request.received_by,
        )
    if request.extended_at is not None:
        return Conflict(_("The deadline has already been extended once."), code="already_extended")
    fallen = clocks_fallen_due(request, now=now) if fallen is None else fallen
    # Decree 356: the extension is asked for within the period, not after it has run out. Without a
    # statutory clock the period is the bank's: a deadline that fell due stays (`clocks_fallen_due`),
    # so an extension then would move nothing.
    if "statutory_due_at" in fallen:
        return Conflict(
            _("The statutory deadline has passed; it can no longer be extended."), code="extension_too_late"
        )
    if not request.statutory_regime and "due_at" in fallen:
        return Conflict(
            _("The bank's deadline has passed; it can no longer be extended."), code="extension_too_late"
        )
    if not policies_extendable(request_policies(request)):
        return Conflict(_("No regime allows extending this type of request."), code="not_extendable")
    return None
