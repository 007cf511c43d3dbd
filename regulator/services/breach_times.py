"""When a breach occurred and was detected: the rule both times keep (`breach_times_check`), whether
recorded or corrected, and their correction by the DPO who typed a wrong one (`breach_times_correct`).

A correction is allowed until the authority is notified (`breach_times_correctable`): Form 08 has then
stated the times, and a correction would make the register say other than what A05 was told (a later
phase reports the facts that arrive). The 72 hours count from the detection (Law 91) or the violation
(Decree 13), so the deadlines are recomputed from the deadline policy as a recording computes them; one
that has fallen due stays where it was (`deadline_fallen_due`): the sweeper has breached it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, InvalidInput, required_text
from core.moments import check_in_range
from deadlines.history import policies_as_of
from deadlines.policy import Deadlines, deadline_fallen_due, deadlines_for
from regulator.models import Breach
from regulator.policy import BREACH_NOTIFICATION
from regulator.selectors import breach_times_correctable

BREACH_TIMES = ("occurred_at", "detected_at")
CORRECTION_REASON_FIELD = "correction_reason"
CORRECTION_REASON_MAX_LENGTH = 500


def breach_times_check(occurred_at: datetime | None, detected_at: datetime | None, *, now: datetime) -> None:
    """Both times given, within the dates the platform keeps, the detection not before the violation
    nor in the future; `InvalidInput` on the field to fix otherwise."""
    if occurred_at is None or detected_at is None:
        raise InvalidInput(_("Give when the breach occurred and when it was detected."), field="detected_at")
    check_in_range(occurred_at, field="occurred_at")
    check_in_range(detected_at, field="detected_at")
    if detected_at < occurred_at:
        raise InvalidInput(_("A breach cannot be detected before it occurred."), field="detected_at")
    if detected_at > now:
        raise InvalidInput(_("The detection time cannot be in the future."), field="detected_at")


def breach_clocks(occurred_at: datetime | None, detected_at: datetime) -> Deadlines:
    """The notification deadlines of a breach with these times, by the policy as it stood at the
    detection: a later edit of it moves no breach's 72 hours."""
    return deadlines_for(
        request_type=BREACH_NOTIFICATION, received_at=detected_at, occurred_at=occurred_at,
        policies=policies_as_of(BREACH_NOTIFICATION, detected_at, occurred_at),
    )


def before_after(before: Any, after: Any) -> dict[str, Any]:
    """A changed value as the audit entry records it (a time in ISO 8601, in UTC as stored)."""

    def shown(value: Any) -> Any:
        return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value

    return {"before": shown(before), "after": shown(after)}


def _correction_reason(reason: str | None) -> str:
    reason = required_text(
        reason,
        field=CORRECTION_REASON_FIELD,
        message=_("Say why the times are corrected; the reason is kept."),
    )
    if len(reason) > CORRECTION_REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the reason under %(limit)s characters."),
            field=CORRECTION_REASON_FIELD,
            limit=CORRECTION_REASON_MAX_LENGTH,
        )
    return reason


def breach_times_correct(
    breach: Breach, changes: dict[str, Any], *, now: datetime
) -> tuple[dict[str, dict[str, Any]], str]:
    """Set on the locked `breach` the times in `changes` that differ from those recorded (a time sent
    back as it stands is no correction), checked, with the deadlines they give. Returns the old and new
    value of every field that changed (times, deadlines, regime) and the reason given; nothing when no
    time changes. The caller saves the breach and audits, in its transaction."""
    corrected = {
        name: changes[name]
        for name in BREACH_TIMES
        if changes.get(name) is not None and changes[name] != getattr(breach, name)
    }
    if not corrected:
        return {}, ""
    if not breach_times_correctable(breach):
        raise Conflict(
            _(
                "The authority has been notified of this breach: when it occurred and when it was detected "
                "can no longer be corrected. Report the correct times in a follow-up phase."
            ),
            code="breach_times_notified",
        )
    reason = _correction_reason(changes.get(CORRECTION_REASON_FIELD))
    times = {name: corrected.get(name, getattr(breach, name)) for name in BREACH_TIMES}
    breach_times_check(times["occurred_at"], times["detected_at"], now=now)
    clocks = breach_clocks(times["occurred_at"], times["detected_at"])
    wanted = dict(times)
    if not deadline_fallen_due(breach.notify_due_at, now=now):
        wanted["notify_due_at"] = clocks.answer_by
    if not deadline_fallen_due(breach.statutory_due_at, now=now):
        wanted["statutory_due_at"] = clocks.statutory_due_at
        wanted["statutory_regime"] = clocks.regime
    values = {}
    for name, value in wanted.items():
        if getattr(breach, name) != value:
            values[name] = before_after(getattr(breach, name), value)
            setattr(breach, name, value)
    return values, reason
