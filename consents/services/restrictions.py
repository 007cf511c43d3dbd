"""Restrictions and objections: the one place data-subject requests stop processing.

The `dsr` app applies and lifts them by an opaque `source` reference ("dsr.request:<uuid>");
consents never imports dsr. While one is in force the consent check answers "not allowed" with the
reason "restricted" or "objected". The `*_in_transaction` variants join the caller's transaction
(dsr services call them inside their own); the plain names are durable entry points.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from consents.models import ProcessingRestriction, Purpose
from consents.restrictions import restriction_scope
from consents.services.feed_restamps import consent_states_restamp
from consents.services.request_duties import (
    RECIPIENTS_TOLD_OF,
    LockedStops,
    duties_open_for_restriction,
    restriction_stops_lock,
    resumption_notify,
)
from core.actors import Actor
from core.db import durable_entry_point
from core.errors import InvalidInput
from subjects.locks import subjects_lock
from subjects.models import DataSubject

MAX_SOURCE_LENGTH = 100


def _validate(kind: str, source: str) -> None:
    if kind not in ProcessingRestriction.Kind.values:
        raise InvalidInput(_("A restriction is “restrict”, “object” or “legal_hold”."), field="kind")
    if not source or len(source) > MAX_SOURCE_LENGTH:
        raise InvalidInput(
            _("Name where the restriction comes from (at most 100 characters)."), field="source"
        )


def restrictions_apply_in_transaction(
    *,
    actor: Actor,
    subject: DataSubject,
    purposes: list[Purpose] | None,
    kind: str,
    source: str,
    reason: str = "",
    now: datetime | None = None,
) -> list[ProcessingRestriction]:
    """Put restrictions in force inside the caller's transaction. `purposes=None` covers every purpose
    the kind can reach (`consents.restrictions`); a named purpose it cannot reach at `now`, by the
    purpose's version in force then, is left alone.

    Applying the same source again for the same purpose returns the one already in force, so a
    retried request does not stack duplicates. A restriction or objection tells the recipients that
    received the customer's data under a purpose it covers to stop (`duties_open_for_restriction`,
    once per source).
    """
    _validate(kind, source)
    created: list[ProcessingRestriction] = []
    with transaction.atomic(savepoint=False):
        # The customer's row (`subjects.locks`; a request's services locked it first): two requests
        # applying the same source cannot both insert.
        subjects_lock([subject.pk])
        now = now or timezone.now()
        targets: list[Purpose | None] = (
            list(restriction_scope(kind=kind, purposes=purposes, now=now).covered) if purposes else [None]
        )
        for purpose in targets:
            existing = ProcessingRestriction.objects.filter(
                subject=subject,
                purpose=purpose,
                kind=kind,
                source=source,
                lifted_at__isnull=True,
            ).first()
            if existing is not None:
                created.append(existing)
                continue
            restriction = ProcessingRestriction.objects.create(
                subject=subject,
                purpose=purpose,
                kind=kind,
                source=source,
                reason=reason[:500],
                started_at=now,
                applied_by_label=actor.label[:150],
            )
            audit_record(
                action="consents.restriction.applied",
                actor=actor,
                subject=subject,
                target=restriction,
                data={"kind": kind, "purpose": purpose.code if purpose else None, "source": source},
                now=now,
            )
            consent_states_restamp(subject_id=restriction.subject_id, purpose_id=restriction.purpose_id)
            created.append(restriction)
        duties_open_for_restriction(
            actor=actor, subject=subject, restrictions=created, kind=kind, source=source, now=now
        )
    return created


restrictions_apply = durable_entry_point(restrictions_apply_in_transaction)


def restrictions_lift_in_transaction(
    *, actor: Actor, source: str, now: datetime | None = None, locked: LockedStops | None = None
) -> int:
    """Lift every restriction in force from `source`; returns how many were lifted (0 on a re-run).
    A source's restrictions are one customer's, whose row a request's services locked first. The
    recipients it told to stop are told they may resume (`resumption_notify`). A caller that writes an
    audit entry before this one locks the source's stops first (`restriction_stops_lock`) and passes
    what it `locked`."""
    with transaction.atomic(savepoint=False):
        locked = restriction_stops_lock(source) if locked is None else locked
        in_force = list(
            ProcessingRestriction.objects.select_for_update(of=("self",))
            .filter(source=source, lifted_at__isnull=True)
            .select_related("purpose")
        )
        now = now or timezone.now()
        for restriction in in_force:
            restriction.lifted_at = now
            restriction.save(update_fields=["lifted_at"])
            consent_states_restamp(subject_id=restriction.subject_id, purpose_id=restriction.purpose_id)
            audit_record(
                action="consents.restriction.lifted",
                actor=actor,
                subject=restriction.subject_id,
                target=restriction,
                now=now,
                data={
                    "kind": restriction.kind,
                    "purpose": restriction.purpose.code if restriction.purpose else None,
                    "source": source,
                },
            )
        # The kind the recipients were told to stop for: a legal hold of the same source is the bank's
        # own obligation, never named to them.
        told_of = [restriction for restriction in in_force if restriction.kind in RECIPIENTS_TOLD_OF]
        if told_of:
            resumption_notify(
                actor=actor,
                subject_id=told_of[0].subject_id,
                kind=told_of[0].kind,
                source=source,
                now=now,
                locked=locked,
            )
    return len(in_force)


restrictions_lift = durable_entry_point(restrictions_lift_in_transaction)
