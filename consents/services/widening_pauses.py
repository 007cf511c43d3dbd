"""Lifting the pause a widening put on a consent's recipients (`scope_stops`, cause `purpose_widened`)
once the customer agrees to the new version: the recipients the new consent names may process again.

The platform's one "you may resume" notice is the restriction lift's: the signed `consent.processing_resumed`
webhook, here with `cause` `purpose_widened`, `consent` (the new consent's id) and `restriction` null
beside its usual fields; the pause still open is called off and its notice, if still waiting, cancelled
(`request_duties.stops_resume`). A recipient without an endpoint reads the same from the consent check,
which answers `granted` again. A recipient the new consent does not name gets the superseded consent's
stop instead (`duties_open_for_withdrawal`)."""

from __future__ import annotations

from datetime import datetime

from consents.catalogue import purpose_entry_of
from consents.models import Consent, WithdrawalDuty
from consents.selectors.resumptions import WIDENING_RESUMPTION_ACTION
from consents.selectors.withdrawals import CAUSE_PURPOSE_WIDENED, purpose_change_source, withdrawal_recipients
from consents.services.request_duties import LockedStops, stops_lock, stops_resume
from core.actors import Actor

PAUSE_LIFTED = "the customer agreed to the widened purpose before this pause notice was delivered"


def widening_pauses_lock(consent: Consent) -> LockedStops:
    """Before the first audit entry of the grant that supersedes `consent` (locked, with its purpose):
    the pauses a widening sent under it, locked as `stops_lock` says."""
    return stops_lock(
        consent.duties.filter(
            kind=WithdrawalDuty.Kind.PURPOSE_CHANGE,
            source=purpose_change_source(CAUSE_PURPOSE_WIDENED, consent.purpose.code),
        )
    )


def widening_pauses_lift(
    *, actor: Actor, successor: Consent, locked: LockedStops, now: datetime
) -> list[int]:
    """In the grant's transaction, once `successor` (a consent to the widened version) is saved: the
    recipients it names that the superseded consent's pauses (`locked`) stopped are told they may resume.
    Returns their ids: none while a widening outdates the version `successor` was given to (the CSV
    import's own agreement of a child, dated before the widening), which the check answers
    `reconsent_required` as it did the superseded consent."""
    if not locked.stops or purpose_entry_of(successor.purpose).outdates(successor.notice_id, now):
        return []
    named = {recipient.pk for recipient in withdrawal_recipients(successor)}
    return stops_resume(
        actor=actor, subject_id=successor.subject_id, key=f"consent:{successor.pk}", now=now,
        locked=locked.of_recipients(named), reason=PAUSE_LIFTED,
        notice={"restriction": None, "cause": CAUSE_PURPOSE_WIDENED, "consent": str(successor.pk)},
        audit_action=WIDENING_RESUMPTION_ACTION,
        audit_data={"cause": CAUSE_PURPOSE_WIDENED, "consent": str(successor.pk)},
    )
