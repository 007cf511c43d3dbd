"""A repeat is answered by the answer of the request it repeats (`repeat_of`, `dsr.services.repeats`).

The customer asked once more for what an open request already asks: one answer serves both. When the
first is answered (in full or in part), each repeat still open closes with it in the same transaction,
with the same end and legal reason, its note naming the first, and its identity check taken from the
first's (nothing is answered to a requester never verified, `dsr_fulfilment_needs_identity`). The
customer was told of the first's answer: the repeat's close tells them nothing again, only the client
that filed it hears of it by webhook. A repeat of a request refused or cancelled keeps its own course,
and a request sent after the answer is a new one (`dsr.selectors.duplicates` reads open requests only).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext

from accounts.languages import language_for_subject
from audit.services import audit_record
from core.actors import Actor
from dsr.models import ClockEvent, DataSubjectRequest
from dsr.services.base import (
    PAUSE_FIELDS,
    RECOMPUTED_FIELDS,
    clock_record,
    clocks_resume,
    missed_deadlines_record,
)
from dsr.services.client_webhooks import notify_requesting_client
from dsr.services.erasure import spared_request_copies_erase
from dsr.services.moves import status_change_record
from dsr.services.task_moves import tasks_call_off
from dsr.states import ANSWERS, OPEN

IDENTITY_FIELDS = ("identity_verified_at", "identity_method", "identity_verified_by_id")


def repeats_answer_with(
    first: DataSubjectRequest, *, actor: Actor, now: datetime
) -> list[DataSubjectRequest]:
    """In the transaction that answered `first` (locked): close its open repeats with its answer, each
    with its history row, clock events and audit entry. Returns the repeats closed."""
    if first.status not in ANSWERS:
        return []
    repeats = list(first.repeats.select_for_update().filter(status__in=OPEN).order_by("received_at", "pk"))
    for repeat in repeats:
        _close_with(repeat, first, actor=actor, now=now)
    return repeats


def _close_with(
    repeat: DataSubjectRequest, first: DataSubjectRequest, *, actor: Actor, now: datetime
) -> None:
    old = repeat.status
    fields = ["status", "outcome_reason", "outcome_note", "closed_at", "updated_at"]
    if repeat.paused_at is not None:
        clocks_resume(repeat, now=now)
        fields += [*PAUSE_FIELDS, *RECOMPUTED_FIELDS]
        clock_record(repeat, ClockEvent.RESUMED, actor=actor, now=now)
    if repeat.acknowledged_at is None:
        repeat.acknowledged_at = now
        fields.append("acknowledged_at")
        clock_record(repeat, ClockEvent.ACKNOWLEDGED, actor=actor, now=now)
    if repeat.identity_verified_at is None:
        for field in IDENTITY_FIELDS:
            setattr(repeat, field, getattr(first, field))
        fields += IDENTITY_FIELDS
    with translation.override(language_for_subject(repeat.subject)):
        note = gettext("Answered together with %(reference)s, the same request sent earlier.") % {
            "reference": first.reference
        }
    repeat.status, repeat.outcome_reason, repeat.outcome_note = first.status, first.outcome_reason, note
    repeat.closed_at = now
    clock_record(repeat, ClockEvent.STOPPED, actor=actor, now=now)
    missed_deadlines_record(repeat, actor=actor, now=now)
    repeat.save(update_fields=fields)
    change = status_change_record(
        repeat, old=old, new=repeat.status, actor=actor, now=now, reason=repeat.outcome_reason, note=note
    )
    notify_requesting_client(repeat, change)
    audit_record(
        action="dsr.request.answered_with_first",
        actor=actor,
        subject=repeat.subject_id,
        target=repeat,
        data={"first": str(first.pk), "from": old, "to": repeat.status},
        now=now,
    )
    tasks_call_off(repeat, actor=actor, now=now)
    spared_request_copies_erase(repeat, actor=actor, now=now)
