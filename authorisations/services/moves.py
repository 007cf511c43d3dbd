"""The moves of an authorisation's state table, in the caller's transaction: one
(`authorisation_transition`), each of a list (`move_all`), or many to an end in a few statements
(`move_to_end_many`), each with its event, receipt, audit entry and notices; the end of a pause
(`resume`, `resume_all`), which resumes only what nothing else still holds; and the end of the OAuth
tokens an ended authorisation held."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Least
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from audit.services import audit_record, audit_record_many
from authorisations.models import Authorisation, AuthorisationEvent, ThirdParty
from authorisations.notices import notify_change, notify_changes
from authorisations.receipts import authorisation_receipt
from authorisations.selectors import disclosure_stops_in_force
from authorisations.states import (
    AUTHORISATION_MACHINE,
    PAUSE_BY_RESTRICTION,
    AuthorisationStatus,
    PauseReason,
)
from core.actors import Actor
from core.db import bulk_insert
from core.errors import NotFound
from subjects.locks import locked_after_customers

S = AuthorisationStatus
K = AuthorisationEvent.Kind
_KIND_BY_MOVE = {
    S.PAUSED: K.PAUSED, S.REVOKED: K.REVOKED, S.EXPIRED: K.EXPIRED, S.USED: K.USED, S.ACTIVE: K.RESUMED,
}
# The moves that end an authorisation: its tokens end with it.
ENDS = AUTHORISATION_MACHINE.terminal
_END_KINDS = {_KIND_BY_MOVE[end] for end in ENDS}
# The moves someone makes on a live authorisation, which its term's end overtakes. Not USED: a one-time
# read reported late was made within the term.
_EXPIRES_INSTEAD = frozenset({S.ACTIVE, S.PAUSED, S.REVOKED})


def event_new(
    authorisation: Authorisation, *, kind: str, old: str, actor: Actor, now: datetime,
    channel: str = "", evidence: str = "", reason: str = "",
) -> AuthorisationEvent:
    """The unsaved event of a move already applied to `authorisation`, with its frozen receipt, issued
    `now`. The event is dated when the move took effect: an end at the authorisation's `ended_at` (an
    expiry's is the end of the term, before the sweep that records it), any other move `now`."""
    event = AuthorisationEvent(
        authorisation_id=authorisation.pk,  # by id: the relation's setter asks the router on each of 10,000
        kind=kind,
        old_status=old,
        new_status=authorisation.status,
        at=authorisation.ended_at if kind in _END_KINDS else now,
        actor_kind=actor.kind,
        actor_label=actor.label[:150],
        channel=channel,
        evidence=evidence[:500],
        reason=reason[:500],
    )
    event.receipt = authorisation_receipt(authorisation, event, issued_at=now)
    return event


def _audit_args(
    authorisation: Authorisation, event: AuthorisationEvent, *, actor: Actor, now: datetime
) -> dict:
    """The audit entry of one event recorded `now`, as `audit_record`'s (and `audit_record_many`'s)
    arguments; an event that took effect earlier (an expiry, at the end of the term) names when."""
    return {
        "action": f"authorisations.authorisation.{event.kind}",
        "actor": actor,
        "subject": authorisation.subject_id,
        "target": authorisation,
        "now": now,
        "data": {
            **({"effective_at": event.at.isoformat()} if event.at != now else {}),
            "from": event.old_status or None,
            "to": authorisation.status,
            "third_party": str(authorisation.third_party_id),
            "scopes": list(authorisation.scopes),
            "channel": event.channel,
            "evidence": bool(event.evidence),
            "pause_reason": authorisation.pause_reason or None,
        },
    }


def event_save(
    authorisation: Authorisation, event: AuthorisationEvent, *, actor: Actor, now: datetime
) -> None:
    """Save one move's event, recorded `now`, with its audit entry, and queue its notices."""
    event.save(force_insert=True)
    audit_record(**_audit_args(authorisation, event, actor=actor, now=now))
    notify_change(authorisation, event, now=now)


def end_tokens(authorisations: list[Authorisation], *, sparing_code: str = "") -> None:
    """Stop every OAuth token and pending code each customer gave each third party: refresh tokens
    end with the authorisation, not at their own expiry. A few statements for any number of
    authorisations: refresh tokens are revoked as django-oauth-toolkit's `RefreshToken.revoke()`
    revokes one (marked revoked, unlinked from their access token, which is deleted), in bulk as its
    `revoke_family` does; access tokens and grants of the pairs are deleted. `sparing_code` is a code
    that is not theirs: the one issued for the new authorisation that replaces them."""
    users_by_application: dict = {}
    for authorisation in authorisations:
        application_id = authorisation.third_party.application_id
        users_by_application.setdefault(application_id, set()).add(authorisation.user_id)
    if not users_by_application:
        return
    pairs = Q()
    for application_id, user_ids in users_by_application.items():
        pairs |= Q(application_id=application_id, user_id__in=sorted(user_ids))
    _end_tokens_where(pairs, sparing_code=sparing_code)


def end_client_tokens(application_id: int) -> None:
    """Stop every OAuth token and pending code of one client, whichever customer gave them (its secret
    replaced after a leak: what the leaked secret obtained ends with it), as `end_tokens` does."""
    _end_tokens_where(Q(application_id=application_id))


def _end_tokens_where(which: Q, *, sparing_code: str = "") -> None:
    refresh_tokens = get_refresh_token_model().objects.filter(which, revoked__isnull=True)
    try:
        with transaction.atomic():
            stamp = timezone.now()  # `updated` is auto_now, which a queryset update does not set
            refresh_tokens.update(revoked=stamp, updated=stamp, access_token=None)
    except IntegrityError:
        # (token_checksum, revoked) is unique: two live tokens with one checksum cannot share a
        # stamp (django-oauth-toolkit #1816); revoke those row by row, as `revoke_family` falls back.
        for refresh in refresh_tokens:
            refresh.revoke()
    get_access_token_model().objects.filter(which).delete()
    get_grant_model().objects.filter(which).exclude(code=sparing_code).delete()


def _apply(
    authorisation: Authorisation, *, to: str, now: datetime, pause_reason: str, pause_source: str
) -> list[str]:
    """Set the move's fields on the authorisation (unsaved); returns the fields changed."""
    AUTHORISATION_MACHINE.check(authorisation.status, to, status=S(authorisation.status).label)
    authorisation.status = to
    authorisation.pause_reason = pause_reason if to == S.PAUSED else ""
    authorisation.pause_source = pause_source if to == S.PAUSED else ""
    fields = ["status", "pause_reason", "pause_source"]
    if to in ENDS:
        authorisation.ended_at = _end_of(authorisation, to=to, now=now)
        fields.append("ended_at")
    return fields


def _end_of(authorisation: Authorisation, *, to: str, now: datetime) -> datetime:
    """When a move to an end ends the authorisation: an expiry at the end of its term, which the sweep
    (hourly, or late after an outage) or a resume records after the fact; any other end `now`."""
    return min(authorisation.expires_at, now) if to == S.EXPIRED else now


def authorisation_transition(
    authorisation: Authorisation, *, to: str, actor: Actor, now: datetime,
    reason: str = "", channel: str = "", evidence: str = "", pause_reason: str = "", pause_source: str = "",
    sparing_code: str = "",
) -> Authorisation:
    """Apply one move of the state table to a locked authorisation, in the caller's transaction; a move
    to an end stops its tokens (`end_tokens`, which spares `sparing_code`).

    A pause, a resume or a revocation of a live authorisation whose term has ended (the sweep has not
    run yet) records its expiry instead, as the sweep would, dated at the end of the term: recorded
    after it, a pause or revocation would be followed by an expiry dated before it. The caller reads
    the result's status (EXPIRED). The expiry carries the mover's channel, not their reason or evidence,
    which were about a move that did not happen."""
    if to in _EXPIRES_INSTEAD and now >= authorisation.expires_at:
        to, reason, evidence = S.EXPIRED, "", ""
    old = authorisation.status
    fields = _apply(authorisation, to=to, now=now, pause_reason=pause_reason, pause_source=pause_source)
    with transaction.atomic(savepoint=False):
        if to in ENDS:
            end_tokens([authorisation], sparing_code=sparing_code)
        authorisation.save(update_fields=fields)
        event = event_new(
            authorisation,
            kind=_KIND_BY_MOVE[to],
            old=old,
            actor=actor,
            now=now,
            channel=channel,
            evidence=evidence,
            reason=reason,
        )
        event_save(authorisation, event, actor=actor, now=now)
    return authorisation


def holding_cause(authorisation: Authorisation, stops: Mapping | None = None) -> tuple[str, str] | None:
    """What still stops a paused authorisation once the pause being ended is gone, as (pause reason,
    pause source): the customer's restriction or objection in force covering disclosure to third
    parties, or abroad for a third party abroad (`disclosure_stops_in_force`, read for this customer
    unless `stops` holds them already), else the bank's suspension of the third party; None when nothing
    does. The customer's own objection is named first: it is theirs to lift."""
    if stops is None:
        stops = disclosure_stops_in_force([authorisation.subject_id], kinds=PAUSE_BY_RESTRICTION)
    stop = stops.get((authorisation.subject_id, authorisation.cross_border))
    if stop is not None:
        return PAUSE_BY_RESTRICTION[stop.kind], stop.source
    if authorisation.third_party.status != ThirdParty.Status.ACTIVE:
        return PauseReason.THIRD_PARTY_SUSPENDED, ""
    return None


def resume(
    authorisation: Authorisation, *, actor: Actor, now: datetime, stops: Mapping | None = None, **details: str
) -> Authorisation:
    """End the pause of a locked, paused authorisation (caller's transaction). It becomes ACTIVE only
    when nothing else holds it (`holding_cause`, with `stops` if given): otherwise it stays paused, now
    for that cause, so that the cause's own end resumes it (a suspension lifted while the customer's
    objection stands, an objection lifted while the third party is suspended). One whose term has ended
    expires instead. `details` are `authorisation_transition()`'s reason and channel."""
    cause = holding_cause(authorisation, stops) if now < authorisation.expires_at else None
    if cause is None:
        return authorisation_transition(authorisation, to=S.ACTIVE, actor=actor, now=now, **details)
    if cause != (authorisation.pause_reason, authorisation.pause_source):
        authorisation.pause_reason, authorisation.pause_source = cause
        with transaction.atomic(savepoint=False):
            authorisation.save(update_fields=["pause_reason", "pause_source"])
            # Still paused, for another cause: the customer and the third party get its receipt.
            event = event_new(
                authorisation, kind=K.PAUSED, old=S.PAUSED, actor=actor, now=now,
                channel=details.get("channel", ""), reason=cause[1] or cause[0],
            )
            event_save(authorisation, event, actor=actor, now=now)
    return authorisation


def resume_all(authorisations, *, actor: Actor, now: datetime, **details: str) -> int:
    """`resume()` each of these locked, paused authorisations; returns how many became ACTIVE (or
    expired), not those another cause still holds. What may hold them is read once for all their
    customers."""
    authorisations = list(authorisations)
    stops = disclosure_stops_in_force(
        {authorisation.subject_id for authorisation in authorisations}, kinds=PAUSE_BY_RESTRICTION
    )
    return sum(
        resume(authorisation, actor=actor, now=now, stops=stops, **details).status != S.PAUSED
        for authorisation in authorisations
    )


def move_all(authorisations, *, to: str, actor: Actor, now: datetime, **details: str) -> int:
    """`authorisation_transition()` each of these locked authorisations (caller's transaction);
    returns how many. `details` are its reason, channel, evidence, pause fields and `sparing_code`."""
    count = 0
    for authorisation in authorisations:
        authorisation_transition(authorisation, to=to, actor=actor, now=now, **details)
        count += 1
    return count


def move_to_end_many(
    authorisations: list[Authorisation], *, to: str, actor: Actor, now: datetime, reason: str = ""
) -> None:
    """`authorisation_transition()` to an end (EXPIRED or REVOKED) for many locked authorisations in
    the caller's transaction, in a few statements for the batch instead of ~nine per row: one status
    UPDATE, the tokens of every (customer, third party) pair, the events with their receipts in one
    insert, one audit entry per authorisation written under one lock of the chain head, and the
    notices queued in one insert. Each row ends exactly as `authorisation_transition()` would end it."""
    if to not in (S.REVOKED, S.EXPIRED):
        raise ValueError("move_to_end_many only ends authorisations")
    if not authorisations:
        return
    olds = [authorisation.status for authorisation in authorisations]
    for authorisation in authorisations:
        _apply(authorisation, to=to, now=now, pause_reason="", pause_source="")
    with transaction.atomic(savepoint=False):
        end_tokens(authorisations)
        Authorisation.objects.filter(pk__in=[a.pk for a in authorisations]).update(
            # Each row's end as `_apply` set it: an expiry's is its own term's end.
            status=to, pause_reason="", pause_source="",
            ended_at=Least(F("expires_at"), Value(now)) if to == S.EXPIRED else now,
        )
        events = [
            event_new(authorisation, kind=_KIND_BY_MOVE[to], old=old, actor=actor, now=now, reason=reason)
            for authorisation, old in zip(authorisations, olds, strict=True)
        ]
        bulk_insert(events)
        audit_record_many(
            [
                _audit_args(authorisation, event, actor=actor, now=now)
                for authorisation, event in zip(authorisations, events, strict=True)
            ]
        )
        notify_changes(list(zip(authorisations, events, strict=True)), now=now)


def locked_authorisations(*, customers_of: Mapping | None = None, **filters) -> list[Authorisation]:
    """Authorisations matching `filters`, locked for a move in id order, with what a move reads loaded;
    each only once its customer is held (the one lock order, `subjects.locks.locked_after_customers`).
    A request's service holds the customer and writes its entries (the audit chain's head) before it
    pauses or revokes the customer's authorisations: one locked before its customer, with an entry
    written next, waited for that service while it waited for the authorisation.

    The customers locked first are those of the authorisations `customers_of` names (filters too; by
    default `filters`). Where a writer holding only the customer can move an authorisation into
    `filters` (a customer's resume makes one ACTIVE, or paused for a suspension), `customers_of` names a
    wider set that no such writer can add to: once its customers are held, any writer that moved one in
    has committed, and `filters` are read after that. One that joins anyway is locked after its
    customer, which is then locked out of id order."""
    return locked_after_customers(
        Authorisation.objects.select_related("third_party__application", "third_party__webhook", "subject")
        .filter(**filters),
        customers_of=None if customers_of is None else Authorisation.objects.filter(**customers_of),
    )


def locked_authorisation(authorisation_id, *, subject=None) -> Authorisation:
    """One authorisation, locked (`locked_authorisations`); a customer (`subject` given) reaches only
    their own, and someone else's is NotFound like a missing one."""
    filters = {"pk": authorisation_id}
    if subject is not None:
        filters["subject"] = subject
    authorisations = locked_authorisations(**filters)
    if not authorisations:
        raise NotFound()
    return authorisations[0]
