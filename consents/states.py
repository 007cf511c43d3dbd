"""The consents app's state machines: consents, notice announcements and withdrawal duties.

Read as "from this status, these are allowed next" (the shape of `dsr.states`). The status choices
stay on the models (`ConsentStatus`, `NoticeAnnouncement.Status`, `WithdrawalDuty.Status`); the
movers are `consents.services.records.consent_transition`,
`consents.services.announcements.announcement_transition` and
`consents.services.duties.duty_transition`, and nothing else changes a status.
"""

from __future__ import annotations

from consents.models import ConsentStatus, NoticeAnnouncement, WithdrawalDuty
from core.states import StateMachine

# A consent moves forward only: once withdrawn, expired, superseded or voided, a new grant is a new record.
# Voided: a record staff made in error, corrected (`consents.services.voids.consent_void`): a consent in
# force or a refusal only; once withdrawn, expired or superseded, what followed is part of the record.
CONSENT_MACHINE = StateMachine({
    ConsentStatus.GRANTED: {
        ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED, ConsentStatus.SUPERSEDED, ConsentStatus.VOIDED,
    },
    ConsentStatus.WITHDRAWN: set(),
    ConsentStatus.EXPIRED: set(),
    ConsentStatus.SUPERSEDED: set(),
    # A refusal is a record of its own; a later grant is a new record beside it. Only an error voids it.
    ConsentStatus.REFUSED: {ConsentStatus.VOIDED},
    ConsentStatus.VOIDED: set(),
})

_A = NoticeAnnouncement.Status
# Scheduled, then sent; where the scope grew the customers are then asked for fresh consent. A step the
# job fails `consents.services.announcement_runs.ATTEMPTS_BEFORE_PARKING` times in a row is parked: it
# waits for the DPO, who puts it back where it was (`announcement_retry`).
ANNOUNCEMENT_MACHINE = StateMachine({
    _A.SCHEDULED: {_A.SENT, _A.SEND_FAILED},
    _A.SEND_FAILED: {_A.SCHEDULED},
    _A.SENT: {_A.ASKED, _A.DONE, _A.ASK_FAILED},
    _A.ASK_FAILED: {_A.SENT},
    _A.ASKED: set(),
    _A.DONE: set(),
})
# Where the job parks a step it keeps failing, and where the DPO's retry puts it back.
ANNOUNCEMENT_PARKED = {_A.SCHEDULED: _A.SEND_FAILED, _A.SENT: _A.ASK_FAILED}
ANNOUNCEMENT_RETRY_TO = {parked: waiting for waiting, parked in ANNOUNCEMENT_PARKED.items()}

# A recipient's duty: acknowledged once. A restriction's stop whose request ended (refused, cancelled)
# before the recipient confirmed is called off instead: nothing is to stop any more.
DUTY_MACHINE = StateMachine({
    WithdrawalDuty.Status.OPEN: {WithdrawalDuty.Status.ACKNOWLEDGED, WithdrawalDuty.Status.CALLED_OFF},
    WithdrawalDuty.Status.ACKNOWLEDGED: set(),
    WithdrawalDuty.Status.CALLED_OFF: set(),
})
