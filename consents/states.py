"""The consents app's state machines: for each, the one table of allowed moves and its terminal set.

Read as "from this status, these are allowed next" (the shape of `dsr.states`). The status choices
stay on the models (`ConsentStatus`, `NoticeAnnouncement.Status`, `WithdrawalDuty.Status`); the
movers are `consents.services.records.consent_transition`,
`consents.services.announcements.announcement_transition` and
`consents.services.duties.duty_acknowledge`, and nothing else changes a status.
"""

from __future__ import annotations

from consents.models import ConsentStatus, NoticeAnnouncement, WithdrawalDuty

# A consent moves forward only: once withdrawn, expired or superseded, a new grant is a new record.
CONSENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ConsentStatus.GRANTED: frozenset(
        {ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED, ConsentStatus.SUPERSEDED}
    ),
    ConsentStatus.WITHDRAWN: frozenset(),
    ConsentStatus.EXPIRED: frozenset(),
    ConsentStatus.SUPERSEDED: frozenset(),
    # A refusal is a record of its own that never moves; a later grant is a new record beside it.
    ConsentStatus.REFUSED: frozenset(),
}
CONSENT_TERMINAL: frozenset[str] = frozenset(s for s, moves in CONSENT_TRANSITIONS.items() if not moves)

_A = NoticeAnnouncement.Status
# Scheduled, then sent; where the scope grew the customers are then asked for fresh consent.
ANNOUNCEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    _A.SCHEDULED: frozenset({_A.SENT}),
    _A.SENT: frozenset({_A.ASKED, _A.DONE}),
    _A.ASKED: frozenset(),
    _A.DONE: frozenset(),
}
ANNOUNCEMENT_TERMINAL: frozenset[str] = frozenset(
    s for s, moves in ANNOUNCEMENT_TRANSITIONS.items() if not moves
)

# A recipient's duty to stop processing after a withdrawal: acknowledged once.
DUTY_TRANSITIONS: dict[str, frozenset[str]] = {
    WithdrawalDuty.Status.OPEN: frozenset({WithdrawalDuty.Status.ACKNOWLEDGED}),
    WithdrawalDuty.Status.ACKNOWLEDGED: frozenset(),
}
DUTY_TERMINAL: frozenset[str] = frozenset(s for s, moves in DUTY_TRANSITIONS.items() if not moves)


def allowed_next(table: dict[str, frozenset[str]], status: str) -> frozenset[str]:
    return table.get(status, frozenset())


def is_allowed(table: dict[str, frozenset[str]], old: str, new: str) -> bool:
    return new in allowed_next(table, old)
