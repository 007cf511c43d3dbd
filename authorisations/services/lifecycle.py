"""An authorisation's life: the grant on the consent screen, the moves of the state table (pause,
resume, revoke, expire), the access log, and the hooks the data-subject-rights app calls."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from audit.services import audit_record, audit_record_many
from authorisations.models import AccessRecord, Authorisation, AuthorisationEvent, ThirdParty
from authorisations.notices import notify_change, notify_changes
from authorisations.receipts import authorisation_receipt
from authorisations.states import (
    AUTHORISATION_MACHINE,
    AuthorisationStatus,
    PauseReason,
    authorisation_expiry,
)
from consents.models import Channel, PurposeCategory
from core.actors import Actor
from core.db import bulk_insert
from core.errors import Conflict, InvalidInput, NotFound

S = AuthorisationStatus
K = AuthorisationEvent.Kind
_KIND_BY_MOVE = {S.PAUSED: K.PAUSED, S.REVOKED: K.REVOKED, S.EXPIRED: K.EXPIRED, S.ACTIVE: K.RESUMED}
# Revoking for a customer who is not in front of a screen needs proof of their instruction.
CHANNELS_NEEDING_EVIDENCE = frozenset({Channel.BRANCH, Channel.CALL_CENTRE, Channel.PAPER_FORM})


def _new_event(
    authorisation: Authorisation,
    *,
    kind: str,
    old: str,
    actor: Actor,
    now: datetime,
    channel: str = "",
    evidence: str = "",
    reason: str = "",
) -> AuthorisationEvent:
    """The unsaved event of a move already applied to `authorisation`, with its frozen receipt."""
    event = AuthorisationEvent(
        authorisation=authorisation,
        kind=kind,
        old_status=old,
        new_status=authorisation.status,
        at=now,
        actor_kind=actor.kind,
        actor_label=actor.label[:150],
        channel=channel,
        evidence=evidence[:500],
        reason=reason[:500],
    )
    event.receipt = authorisation_receipt(authorisation, event)
    return event


def _audit_args(authorisation: Authorisation, event: AuthorisationEvent, *, actor: Actor) -> dict:
    """The audit entry of one event, as `audit_record`'s (and `audit_record_many`'s) arguments."""
    return {
        "action": f"authorisations.authorisation.{event.kind}",
        "actor": actor,
        "subject": authorisation.subject_id,
        "target": authorisation,
        "now": event.at,
        "data": {
            "from": event.old_status or None,
            "to": authorisation.status,
            "third_party": str(authorisation.third_party_id),
            "scopes": list(authorisation.scopes),
            "channel": event.channel,
            "evidence": bool(event.evidence),
            "pause_reason": authorisation.pause_reason or None,
        },
    }


def _event_save(authorisation: Authorisation, event: AuthorisationEvent, *, actor: Actor) -> None:
    """Save one move's event with its audit entry, and queue its notices."""
    event.save(force_insert=True)
    audit_record(**_audit_args(authorisation, event, actor=actor))
    notify_change(authorisation, event)


def _end_tokens(authorisations: list[Authorisation]) -> None:
    """Stop every OAuth token and pending code each customer gave each third party: refresh tokens
    end with the authorisation, not at their own expiry. A few statements for any number of
    authorisations: refresh tokens are revoked as django-oauth-toolkit's `RefreshToken.revoke()`
    revokes one (marked revoked, unlinked from their access token, which is deleted), in bulk as its
    `revoke_family` does; access tokens and grants of the pairs are deleted."""
    users_by_application: dict = {}
    for authorisation in authorisations:
        application_id = authorisation.third_party.application_id
        users_by_application.setdefault(application_id, set()).add(authorisation.user_id)
    if not users_by_application:
        return
    pairs = Q()
    for application_id, user_ids in users_by_application.items():
        pairs |= Q(application_id=application_id, user_id__in=sorted(user_ids))
    refresh_tokens = get_refresh_token_model().objects.filter(pairs, revoked__isnull=True)
    try:
        with transaction.atomic():
            stamp = timezone.now()  # `updated` is auto_now, which a queryset update does not set
            refresh_tokens.update(revoked=stamp, updated=stamp, access_token=None)
    except IntegrityError:
        # (token_checksum, revoked) is unique: two live tokens with one checksum cannot share a
        # stamp (django-oauth-toolkit #1816); revoke those row by row, as `revoke_family` falls back.
        for refresh in refresh_tokens:
            refresh.revoke()
    get_access_token_model().objects.filter(pairs).delete()
    get_grant_model().objects.filter(pairs).delete()


def _apply(
    authorisation: Authorisation, *, to: str, now: datetime, pause_reason: str, pause_source: str
) -> list[str]:
    """Set the move's fields on the authorisation (unsaved); returns the fields changed."""
    AUTHORISATION_MACHINE.check(authorisation.status, to, status=authorisation.get_status_display())
    authorisation.status = to
    authorisation.pause_reason = pause_reason if to == S.PAUSED else ""
    authorisation.pause_source = pause_source if to == S.PAUSED else ""
    fields = ["status", "pause_reason", "pause_source"]
    if to in (S.REVOKED, S.EXPIRED):
        authorisation.ended_at = now
        fields.append("ended_at")
    return fields


def move(
    authorisation: Authorisation,
    *,
    to: str,
    actor: Actor,
    now: datetime,
    reason: str = "",
    channel: str = "",
    evidence: str = "",
    pause_reason: str = "",
    pause_source: str = "",
) -> Authorisation:
    """Apply one move of the state table to a locked authorisation, in the caller's transaction."""
    if to == S.ACTIVE and now >= authorisation.expires_at:
        to = S.EXPIRED  # a pause that outlived the term ends with it
    old = authorisation.status
    fields = _apply(authorisation, to=to, now=now, pause_reason=pause_reason, pause_source=pause_source)
    with transaction.atomic(savepoint=False):
        if to in (S.REVOKED, S.EXPIRED):
            _end_tokens([authorisation])
        authorisation.save(update_fields=fields)
        event = _new_event(
            authorisation,
            kind=_KIND_BY_MOVE[to],
            old=old,
            actor=actor,
            now=now,
            channel=channel,
            evidence=evidence,
            reason=reason,
        )
        _event_save(authorisation, event, actor=actor)
    return authorisation


def move_all(authorisations, *, to: str, actor: Actor, now: datetime, **details: str) -> int:
    """`move()` each of these locked authorisations (caller's transaction); returns how many.
    `details` are `move()`'s reason, channel, evidence and pause fields."""
    count = 0
    for authorisation in authorisations:
        move(authorisation, to=to, actor=actor, now=now, **details)
        count += 1
    return count


def move_to_end_many(
    authorisations: list[Authorisation], *, to: str, actor: Actor, now: datetime, reason: str = ""
) -> None:
    """`move()` to an end (EXPIRED or REVOKED) for many locked authorisations in the caller's
    transaction, in a few statements for the batch instead of ~nine per row: one status UPDATE, the
    tokens of every (customer, third party) pair, the events with their receipts in one insert, one
    audit entry per authorisation written under one lock of the chain head, and the notices queued in
    one insert. Each row ends exactly as `move()` would end it."""
    if to not in (S.REVOKED, S.EXPIRED):
        raise ValueError("move_to_end_many only ends authorisations")
    if not authorisations:
        return
    olds = [authorisation.status for authorisation in authorisations]
    for authorisation in authorisations:
        _apply(authorisation, to=to, now=now, pause_reason="", pause_source="")
    with transaction.atomic(savepoint=False):
        _end_tokens(authorisations)
        Authorisation.objects.filter(pk__in=[a.pk for a in authorisations]).update(
            status=to, pause_reason="", pause_source="", ended_at=now
        )
        events = [
            _new_event(authorisation, kind=_KIND_BY_MOVE[to], old=old, actor=actor, now=now, reason=reason)
            for authorisation, old in zip(authorisations, olds, strict=True)
        ]
        bulk_insert(events)
        audit_record_many(
            [
                _audit_args(authorisation, event, actor=actor)
                for authorisation, event in zip(authorisations, events, strict=True)
            ]
        )
        notify_changes(list(zip(authorisations, events, strict=True)))


def locked_authorisations(**filters):
    """Authorisations matching `filters`, locked for a move, with what a move reads loaded."""
    return (
        Authorisation.objects.select_for_update(of=("self",))
        .select_related("third_party__application", "third_party__webhook", "subject")
        .filter(**filters)
    )


def _lock(authorisation_id, *, subject=None) -> Authorisation:
    """The authorisation, locked; a customer (`subject` given) reaches only their own."""
    filters = {"pk": authorisation_id}
    if subject is not None:
        filters["subject"] = subject
    authorisation = locked_authorisations(**filters).first()
    if authorisation is None:
        raise NotFound()
    return authorisation


def _refuse_if_suspended(third_party: ThirdParty) -> None:
    if third_party.status != ThirdParty.Status.ACTIVE:
        raise Conflict(_("This third party is suspended by the bank."), code="third_party_suspended")


def authorisation_terms_check(
    *, third_party: ThirdParty, scopes: list[str], duration_days: int, cross_border_acknowledged: bool
) -> None:
    """Whether the customer may grant these terms; the consent screen asks before a code is issued."""
    _refuse_if_suspended(third_party)
    if not scopes or not set(scopes) <= set(third_party.scopes):
        raise InvalidInput(
            _("The third party asked for data it is not registered for."), code="invalid_scope"
        )
    if not 1 <= duration_days <= third_party.max_duration_days:
        raise InvalidInput(
            _("Choose a duration between 1 and %(days)s days."),
            field="duration_days",
            days=third_party.max_duration_days,
        )
    if third_party.cross_border and not cross_border_acknowledged:
        raise InvalidInput(
            _("Confirm that you understand your data will be transferred abroad."), field="cross_border"
        )


def authorisation_grant(
    *,
    actor: Actor,
    user,
    subject,
    third_party: ThirdParty,
    scopes: list[str],
    duration_days: int,
    cross_border_acknowledged: bool = False,
    channel: str = Channel.INTERNET_BANKING,
    now: datetime | None = None,
) -> Authorisation:
    """The customer approves on the consent screen: a new ACTIVE authorisation with its receipt.

    A live authorisation of the same third party is replaced (revoked) in the same transaction, so
    there is only ever one, and the one the customer just read is the one in force.
    """
    now = now or timezone.now()
    authorisation_terms_check(
        third_party=third_party,
        scopes=scopes,
        duration_days=duration_days,
        cross_border_acknowledged=cross_border_acknowledged,
    )
    with transaction.atomic(durable=True):
        # A suspension running at the same moment pauses what exists when it locks this row: take the
        # lock too, so a grant either precedes the suspension (and is paused by it) or sees it.
        _refuse_if_suspended(ThirdParty.objects.select_for_update().get(pk=third_party.pk))
        move_all(
            locked_authorisations(subject=subject, third_party=third_party, status__in=[S.ACTIVE, S.PAUSED]),
            to=S.REVOKED,
            actor=actor,
            now=now,
            channel=channel,
            reason="replaced by a new authorisation",
        )
        authorisation = Authorisation.objects.create(
            subject=subject,
            user=user,
            third_party=third_party,
            scopes=sorted(scopes),
            purpose=third_party.purpose,
            fetch_type=third_party.fetch_type,
            frequency_per_day=third_party.frequency_per_day,
            cross_border=third_party.cross_border,
            destination_country=third_party.country if third_party.cross_border else "",
            channel=channel,
            status=S.ACTIVE,
            starts_at=now,
            expires_at=authorisation_expiry(now, duration_days),
        )
        event = _new_event(authorisation, kind=K.GRANTED, old="", actor=actor, now=now, channel=channel)
        _event_save(authorisation, event, actor=actor)
    return authorisation


def authorisation_revoke(
    *,
    actor: Actor,
    authorisation_id,
    channel: str,
    evidence: str = "",
    reason: str = "",
    subject=None,
    now: datetime | None = None,
) -> Authorisation:
    """Stop the authorisation for good, by the customer (`subject`: their own only) or by staff on
    their behalf (with the channel and, off-line, the evidence of the customer's instruction)."""
    now = now or timezone.now()
    if actor.is_staff and channel in CHANNELS_NEEDING_EVIDENCE and not evidence.strip():
        raise InvalidInput(_("Record the evidence of the customer's instruction."), field="evidence")
    with transaction.atomic(durable=True):
        authorisation = _lock(authorisation_id, subject=subject)
        return move(
            authorisation,
            to=S.REVOKED,
            actor=actor,
            now=now,
            channel=channel,
            evidence=evidence,
            reason=reason,
        )


def authorisation_pause(
    *,
    actor: Actor,
    authorisation_id,
    subject,
    channel: str = Channel.INTERNET_BANKING,
    now: datetime | None = None,
) -> Authorisation:
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        authorisation = _lock(authorisation_id, subject=subject)
        return move(
            authorisation,
            to=S.PAUSED,
            actor=actor,
            now=now,
            channel=channel,
            pause_reason=PauseReason.CUSTOMER,
        )


def authorisation_resume(
    *,
    actor: Actor,
    authorisation_id,
    subject,
    channel: str = Channel.INTERNET_BANKING,
    now: datetime | None = None,
) -> Authorisation:
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        authorisation = _lock(authorisation_id, subject=subject)
        if authorisation.status == S.PAUSED and authorisation.pause_reason != PauseReason.CUSTOMER:
            raise Conflict(
                _("This authorisation was paused by the bank; it resumes when the reason is resolved."),
                code="paused_by_bank",
            )
        return move(authorisation, to=S.ACTIVE, actor=actor, now=now, channel=channel)


def access_record(
    *,
    actor: Actor,
    authorisation_id,
    scope: str,
    accessed_at: datetime,
    record_count: int,
    now: datetime | None = None,
) -> AccessRecord:
    """The API gateway reports one read by the third party. Recorded whatever the status (an access
    after a revocation is exactly what the customer must be able to see)."""
    now = now or timezone.now()
    if accessed_at > now:
        raise InvalidInput(_("An access cannot be in the future."), field="accessed_at")
    with transaction.atomic(durable=True):
        authorisation = _lock(authorisation_id)
        if scope not in authorisation.scopes:
            raise InvalidInput(_("This authorisation does not cover that scope."), field="scope")
        record = AccessRecord.objects.create(
            authorisation=authorisation,
            scope=scope,
            accessed_at=accessed_at,
            record_count=record_count,
            reported_by=actor.label[:150],
        )
        audit_record(
            action="authorisations.access.reported",
            actor=actor,
            subject=authorisation.subject_id,
            target=authorisation,
            now=now,
            data={
                "scope": scope,
                "records": record_count,
                "accessed_at": accessed_at.isoformat(),
                "status": authorisation.status,
            },
        )
    return record


def covers_third_party_disclosure(purposes) -> bool:
    """A withdrawal or objection reaches third-party access when it names no purpose (all of them)
    or names a purpose of sharing with third parties."""
    return purposes is None or any(p.category == PurposeCategory.SHARING for p in purposes)


def authorisations_pause_for_subject_in_transaction(
    *, actor: Actor, subject, purposes, source: str, now: datetime
) -> int:
    """DSR hook: a withdrawal or objection covering third-party disclosure pauses the customer's
    ACTIVE authorisations (caller's transaction); returns how many."""
    if not covers_third_party_disclosure(purposes):
        return 0
    return move_all(
        locked_authorisations(subject=subject, status=S.ACTIVE),
        to=S.PAUSED,
        actor=actor,
        now=now,
        reason=source,
        pause_reason=PauseReason.DSR,
        pause_source=source,
    )


def authorisations_revoke_for_subject_in_transaction(
    *, actor: Actor, subject, source: str, now: datetime
) -> int:
    """DSR hook: deletion revokes every live authorisation of the customer (caller's transaction)."""
    return move_all(
        locked_authorisations(subject=subject, status__in=[S.ACTIVE, S.PAUSED]),
        to=S.REVOKED,
        actor=actor,
        now=now,
        reason=source,
    )


def authorisations_resume_for_source_in_transaction(*, actor: Actor, source: str, now: datetime) -> int:
    """DSR hook: when the objection that paused authorisations is lifted, they resume (those whose
    term has ended expire instead)."""
    return move_all(
        locked_authorisations(status=S.PAUSED, pause_reason=PauseReason.DSR, pause_source=source),
        to=S.ACTIVE,
        actor=actor,
        now=now,
        reason=source,
    )
