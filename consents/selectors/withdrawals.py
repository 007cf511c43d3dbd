"""Withdrawals and the duties they open: each recipient must acknowledge that it stopped (or, after a
rectification, that it corrected the data: the same duties, of the other `kind`)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import BooleanField, Case, F, QuerySet, Value, When
from django.utils import timezone

from consents.models import Consent, ConsentEvent, ConsentStatus, WithdrawalDuty
from consents.states import DUTY_MACHINE
from core.actors import Actor


def withdrawal_duties(
    *, client=None, now: datetime | None = None, latest_acknowledged_first: bool = False
) -> QuerySet[WithdrawalDuty]:
    """Recipients' duties, withdrawals' and corrections' alike, the first due first (or the latest
    acknowledged first); only the recipients' of an integration `client`, when given. Each is annotated
    `late` against `now`: acknowledged after its due time, or still open past it."""
    now = now or timezone.now()
    duties = WithdrawalDuty.objects.select_related("recipient", "subject", "consent__purpose")
    duties = duties.annotate(
        late=Case(
            When(acknowledged_at__gt=F("due_at"), then=Value(True)),
            When(acknowledged_at__isnull=True, due_at__lt=now, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by(*(["-acknowledged_at", "due_at", "pk"] if latest_acknowledged_first else ["due_at", "pk"]))
    return duties if client is None else duties.filter(recipient__client=client)


def withdrawal_duties_of_consent(consent: Consent) -> QuerySet[WithdrawalDuty]:
    """The duties the consent's withdrawal opened, with their recipients (one query), in the
    recipients' order: the proof of when each recipient stopped (notices of a correction are not)."""
    return withdrawal_stops(consent.duties.all())


def withdrawal_stops(duties: QuerySet[WithdrawalDuty] | None = None) -> QuerySet[WithdrawalDuty]:
    """Of `duties` (all, if not given) the stops withdrawals opened, with their recipients, in the
    recipients' order: what `recipient_stops` shows (a prefetch of consents' stops reads this too)."""
    duties = WithdrawalDuty.objects.all() if duties is None else duties
    return duties.stops().select_related("recipient").order_by("recipient__name", "due_at")


def withdrawal_duties_of_consents(consent_ids) -> dict:
    """The duties each of these consents' withdrawals opened, by consent id, in the order
    `withdrawal_duties_of_consent` gives, with their recipients: one query for all of them."""
    duties: dict = {}
    for duty in withdrawal_stops(WithdrawalDuty.objects.filter(consent_id__in=list(consent_ids))):
        duties.setdefault(duty.consent_id, []).append(duty)
    return duties


def withdrawal_duties_open(*, now: datetime | None = None) -> QuerySet[WithdrawalDuty]:
    """Open duties, earliest due first, each annotated `overdue` against `now` (for the deadline report)."""
    now = now or timezone.now()
    return (
        WithdrawalDuty.objects.filter(status=WithdrawalDuty.Status.OPEN)
        .annotate(
            overdue=Case(
                When(due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .select_related("recipient", "consent__purpose", "subject")
        .order_by("due_at")
    )


def withdrawal_duties_open_of_source(*, subject_id, source: str) -> QuerySet[WithdrawalDuty]:
    """The open duties of the consents `source` withdrew (opaque here: a request's "dsr.request:<uuid>"),
    the first due first, each with its recipient."""
    withdrawn = ConsentEvent.objects.filter(
        subject_id=subject_id, kind=ConsentStatus.WITHDRAWN, source=source
    ).values("consent_id")
    return (
        WithdrawalDuty.objects.stops().filter(
            subject_id=subject_id, consent_id__in=withdrawn, status=WithdrawalDuty.Status.OPEN
        )
        .select_related("recipient")
        .order_by("due_at", "recipient__name")
    )


def rectification_notices(
    *, subject_id, source: str, now: datetime | None = None
) -> QuerySet[WithdrawalDuty]:
    """The notices the corrections `source` made to the customer's record sent to recipients (opaque
    here: a rectification request's "dsr.request:<uuid>"), the first due first, each with its recipient
    and annotated `late`."""
    return (
        withdrawal_duties(now=now)
        .filter(kind=WithdrawalDuty.Kind.RECTIFICATION, subject_id=subject_id, source=source)
        .order_by("due_at", "recipient__name")
    )


def duty_allowed_actions(duty: WithdrawalDuty, actor: Actor) -> frozenset[str]:
    """What this actor may do with the duty now: "acknowledge" (pages and API ask this; the caller
    checks the staff member's permission). An integration client acknowledges only the duties of the
    recipients it speaks for."""
    if actor.is_client and duty.recipient.client_id != actor.user_id:
        return frozenset()
    if DUTY_MACHINE.is_allowed(duty.status, WithdrawalDuty.Status.ACKNOWLEDGED):
        return frozenset({"acknowledge"})
    return frozenset()


def withdrawal_complete(consent: Consent) -> bool:
    """A withdrawal is complete when every recipient acknowledged stopping."""
    return (
        consent.status == ConsentStatus.WITHDRAWN
        and not consent.duties.stops().filter(status=WithdrawalDuty.Status.OPEN).exists()
    )
