"""Putting a verified withdrawal, restriction or objection in force, in the transaction that verifies
the requester (`dsr.services.identity`) or, for one verified before it took effect there, in the
completion's (`dsr.services.fulfilment`), and the catch-ups an upgraded database runs once
(docs/deployment.md)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from authorisations.selectors import authorisation_request_pause_sources
from authorisations.services import (
    authorisations_pause_for_subject_locked,
    authorisations_revoke_for_source_locked,
)
from consents.models import WithdrawalDuty
from consents.services import consents_withdraw_for_subject_in_transaction, restrictions_apply_in_transaction
from core.actors import Actor
from core.errors import DomainError
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest
from dsr.selectors import request_recipients_open
from dsr.services.base import clock_processor_involved, request_locked, request_purposes
from dsr.sources import request_id_of_source, request_source
from dsr.states import ANSWERS, OPEN


def restriction_put_in_force(
    request: DataSubjectRequest, *, actor: Actor, now: datetime
) -> list[WithdrawalDuty]:
    """The restriction or objection of a verified request, in force in the caller's transaction
    (idempotent: the completion applies it again for requests verified before it took effect at once).
    A third party's authorisation is a disclosure: when what is now in force reaches disclosure to third
    parties (everything, or a sharing purpose its legal basis lets it reach), the customer's
    authorisations pause until it is lifted or the request is refused or cancelled (`move`). The
    recipients that received the data under a covered purpose are told to stop in the same
    transaction (`consents.services.request_duties`), and the request is answered once they confirmed.
    Returns the recipients still to confirm (`request_recipients_open`), read once for the caller."""
    in_force = restrictions_apply_in_transaction(
        actor=actor,
        subject=request.subject,
        purposes=request_purposes(request),
        kind=request.type,
        source=request_source(request),
        now=now,
    )
    open_recipients = request_recipients_open(request)
    if open_recipients:
        # Recipients (processors or third parties) were told to stop: the law's longer period applies.
        clock_processor_involved(request, actor=actor, now=now)
    reached = [restriction.purpose for restriction in in_force]
    authorisations_pause_for_subject_locked(
        actor=actor,
        subject=request.subject,
        purposes=None if None in reached else reached,
        source=request_source(request),
        now=now,
        kind=request.type,
    )
    return open_recipients


def withdrawal_put_in_force(
    request: DataSubjectRequest, *, actor: Actor, now: datetime
) -> list[WithdrawalDuty]:
    """The withdrawal of a verified request, in force in the caller's transaction: the consents it
    names (all, when it names none) are withdrawn and their recipients told to stop, within the bank's
    72 hours from the request's receipt, and the third parties the customer authorised are revoked when
    it covers disclosure to third parties (`consents.follow_ups`, as for a withdrawal on the consent
    switch); the systems' tasks then confirm that each one stopped. Returns the recipients still to
    confirm (`request_recipients_open`), read once for the caller."""
    consents_withdraw_for_subject_in_transaction(
        actor=actor,
        subject=request.subject,
        purposes=request_purposes(request),
        channel=request.channel,
        source=request_source(request),
        now=now,
        received_at=request.received_at,
    )
    open_recipients = request_recipients_open(request)
    if open_recipients:
        # Recipients (processors or third parties) must stop: the law's longer period applies.
        clock_processor_involved(request, actor=actor, now=now)
    request.withdrawal_applied_at = now
    request.save(update_fields=["withdrawal_applied_at", "updated_at"])
    return open_recipients


def withdrawals_catch_up(*, actor: Actor, now: datetime | None = None) -> tuple[int, dict[str, str]]:
    """Put in force the open withdrawal requests verified before withdrawals took effect at verification
    (an upgraded database), each in its own transaction. Returns how many took effect, and the requests
    that could not with the reason why (e.g. a purpose that rests on no consent): staff answer those."""
    pending = DataSubjectRequest.objects.filter(
        status__in=sorted(OPEN),
        type=RequestType.WITHDRAW,
        identity_verified_at__isnull=False,
        withdrawal_applied_at__isnull=True,
    ).values_list("pk", flat=True)
    applied, refused = 0, {}
    for request_id in list(pending):
        try:
            with transaction.atomic(durable=True):
                request, at = request_locked(request_id, now=now)
                if request.withdrawal_applied_at is None:
                    withdrawal_put_in_force(request, actor=actor, now=at)
                    applied += 1
        except DomainError as error:
            refused[str(request_id)] = error.text
    return applied, refused


def withdrawal_pauses_revoke(*, actor: Actor, now: datetime | None = None) -> int:
    """Revoke the third-party authorisations an earlier release paused for a withdrawal in force: a
    withdrawal is never lifted, so they stayed paused (the third party told 'paused', its tokens kept)
    until their term ran out. Each request in its own transaction; an objection's pause stays. Returns
    how many were revoked."""
    request_ids = [request_id_of_source(source) for source in authorisation_request_pause_sources()]
    # In force: at verification (the release before), or at completion (before `withdrawal_applied_at`).
    withdrawals = DataSubjectRequest.objects.filter(
        Q(withdrawal_applied_at__isnull=False) | Q(status__in=ANSWERS),
        pk__in=[pk for pk in request_ids if pk is not None],
        type=RequestType.WITHDRAW,
    ).values_list("pk", flat=True)
    revoked = 0
    for request_id in list(withdrawals):
        with transaction.atomic(durable=True):
            request, at = request_locked(request_id, now=now)
            revoked += authorisations_revoke_for_source_locked(
                actor=actor, source=request_source(request), channel=request.channel, now=at
            )
    return revoked
