"""When the recipients a widening paused were told they may resume (`services.widening_pauses`): read from
the audit entry the lift writes, which names the customer, the recipients told and the consent that lifted
the pause, for a page of duties at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from audit.models import AuditEntry
from consents.models import Consent, WithdrawalDuty
from consents.selectors.withdrawals import CAUSE_PURPOSE_WIDENED, purpose_change_source

WIDENING_RESUMPTION_ACTION = "consents.duty.widening_resumption_sent"
WIDENING_PAUSE_SOURCE_PREFIX = purpose_change_source(CAUSE_PURPOSE_WIDENED, "")


def widening_resumptions_told(duties: Iterable[WithdrawalDuty]) -> dict[uuid.UUID, datetime]:
    """Of `duties`, the pauses a widening opened whose recipient was since told it may resume, each with
    when: the first lift after the pause, for its customer, naming its recipient, by a consent to its
    purpose. Two queries however many duties: a page reads them once, not once a row."""
    paused = [
        duty
        for duty in duties
        if duty.kind == WithdrawalDuty.Kind.PURPOSE_CHANGE
        and duty.source.startswith(WIDENING_PAUSE_SOURCE_PREFIX)
    ]
    if not paused:
        return {}
    lifts = list(
        AuditEntry.objects.filter(
            action=WIDENING_RESUMPTION_ACTION, subject_id__in={duty.subject_id for duty in paused}
        )
        .order_by("sequence")
        .values_list("recorded_at", "subject_id", "data")
    )
    purpose_of_consent = dict(
        Consent.objects.filter(pk__in={data["consent"] for _at, _subject, data in lifts}).values_list(
            "pk", "purpose_id"
        )
    )
    told = {}
    for duty in paused:
        told_at = next(
            (
                recorded_at
                for recorded_at, subject_id, data in lifts
                if subject_id == duty.subject_id
                and duty.recipient_id in data["recipients"]
                and purpose_of_consent.get(uuid.UUID(data["consent"])) == duty.consent.purpose_id
                and recorded_at >= duty.received_at
            ),
            None,
        )
        if told_at is not None:
            told[duty.pk] = told_at
    return told
