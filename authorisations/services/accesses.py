"""The access log: each read of a customer's data by a third party, as the bank's API gateway claims it
before serving (`access_claim`, which checks and holds the customer's limits) or reports it after
(`access_record`). The rule of whether a read is allowed is `selectors.authorisation_read_refusal`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from authorisations import selectors
from authorisations.models import AccessRecord, Authorisation, FetchType
from authorisations.services.lifecycle import THIRD_PARTY_SUSPENDED
from authorisations.services.moves import authorisation_transition, locked_authorisation
from authorisations.states import AUTHORISATION_MACHINE, AuthorisationStatus
from core.actors import Actor
from core.errors import Conflict, InvalidInput

S = AuthorisationStatus

# What the gateway is told when `selectors.authorisation_read_refusal` refuses a read, by its code.
READ_REFUSALS = {
    selectors.READ_USED: _(
        "This authorisation allowed one read, and it has been made. Do not serve the data."
    ),
    selectors.AUTHORISATION_PAUSED: _(
        "This authorisation is paused: the third party may not read the customer's data now."
    ),
    selectors.THIRD_PARTY_SUSPENDED: THIRD_PARTY_SUSPENDED,
    selectors.AUTHORISATION_ENDED: _(
        "This authorisation has ended (revoked or expired). Do not serve the data."
    ),
    selectors.LEGAL_HOLD: _(
        "The customer's data is kept under a legal hold and serves only the legal obligation that "
        "keeps it. Do not serve the data."
    ),
    selectors.DAILY_LIMIT_REACHED: _(
        "The customer allowed %(count)s reads a day and all of today's have been made. Reads "
        "are allowed again after midnight, Vietnam time."
    ),
}


def _refuse_scope_outside(authorisation: Authorisation, scope: str) -> None:
    if scope not in authorisation.scopes:
        raise InvalidInput(_("This authorisation does not cover that scope."), field="scope")


def _read_record(
    authorisation: Authorisation, *, claimed: bool, actor: Actor, scope: str, accessed_at: datetime,
    record_count: int, now: datetime,
) -> AccessRecord:
    """Record one read of a locked authorisation, in a scope it covers (the caller checked), claimed
    before serving or reported after, with its audit entry, in the caller's transaction; the read a live
    one-time authorisation allowed ends it (used): introspection answers inactive from then on, and its
    tokens end. One made after its term is not that read: the authorisation expires instead."""
    record = AccessRecord.objects.create(
        authorisation=authorisation,
        scope=scope,
        accessed_at=accessed_at,
        record_count=record_count,
        reported_by=actor.label[:150],
        claimed=claimed,
        reported_at=None if claimed else now,
    )
    audit_record(
        action="authorisations.access.claimed" if claimed else "authorisations.access.reported",
        actor=actor,
        subject=authorisation.subject_id,
        target=authorisation,
        now=now,
        data={
            **_reader(authorisation),
            "scope": scope,
            "records": record_count,
            "accessed_at": accessed_at.isoformat(),
            "status": authorisation.status,
        },
    )
    live = authorisation.status in AUTHORISATION_MACHINE.live
    if live and authorisation.fetch_type == FetchType.ONE_TIME:
        if accessed_at < authorisation.expires_at:
            authorisation_transition(
                authorisation, to=S.USED, actor=actor, now=now, reason="one-time read reported"
            )
        else:
            # Made after the term ended (reported before the sweep recorded the end): not the read the
            # customer agreed to. The end of the term is recorded, and the read stays in the log after it.
            authorisation_transition(authorisation, to=S.EXPIRED, actor=actor, now=now)
    return record


def _reader(authorisation: Authorisation) -> dict:
    """Who read, in a read's audit entry: its actor is the gateway that reports it, so an inspector
    would otherwise join tables to learn which third party it served."""
    third_party = authorisation.third_party
    return {"third_party": str(third_party.pk), "client_id": third_party.application.client_id}


def _claim_at(authorisation: Authorisation, *, scope: str, accessed_at: datetime) -> int | None:
    """The claimed read of this authorisation and scope made at exactly `accessed_at`, if any.

    A report naming no claim is that read when it gives the claim's own time, to the microsecond: the
    bank's clock at the claim, which only the claim's answer told the gateway. Nothing else can tell a
    claimed read from one served without a claim (the same authorisation, scope and second can be
    either), and taking a read served without a claim for a claim would hide it from the customer's
    log and limits, so no nearby time is matched."""
    return (
        authorisation.accesses.filter(claimed=True, scope=scope, accessed_at=accessed_at)
        .values_list("pk", flat=True)
        .first()
    )


def _claim_reported(
    authorisation: Authorisation, *, claim: int, actor: Actor, scope: str, served_at: datetime,
    record_count: int, now: datetime, named: bool = True,
) -> AccessRecord:
    """The report of a read the gateway claimed (`claim`: the id `access_claim` answered with, named in
    the report or found by `_claim_at`) on this locked authorisation: the claimed record is completed
    (the records served, the time of the report) with its audit entry, and no read is added, so the
    customer's log and limits count it once. The read stays at the bank's time of the claim, for which
    the daily limit was checked; the gateway's time of serving goes to the audit entry. The same report
    again changes nothing (a retry); another count for a claim already reported is refused, the first
    standing."""
    record = authorisation.accesses.filter(pk=claim, claimed=True).first()
    if record is None:
        raise InvalidInput(_("This authorisation has no read claimed under that id."), field="claim")
    if record.scope != scope:
        raise InvalidInput(
            _("The read was claimed for another scope (%(scope)s)."), field="scope", scope=record.scope
        )
    if record.reported_at is not None:
        if record.record_count != record_count:
            raise Conflict(
                _("This claimed read was reported already, with %(count)s records; that report stands."),
                code="read_already_reported",
                count=record.record_count,
            )
        return record
    old = record.record_count
    record.record_count, record.reported_at = record_count, now
    record.save(update_fields=["record_count", "reported_at"])
    audit_record(
        action="authorisations.access.confirmed",
        actor=actor,
        subject=authorisation.subject_id,
        target=authorisation,
        now=now,
        data={
            **_reader(authorisation),
            "access": record.pk,
            "scope": scope,
            "records": {"old": old, "new": record_count},
            "accessed_at": record.accessed_at.isoformat(),
            "served_at": served_at.isoformat(),
            "claim_named": named,
        },
    )
    return record


def access_record(
    *,
    actor: Actor,
    authorisation_id,
    scope: str,
    accessed_at: datetime,
    record_count: int,
    claim: int | None = None,
    now: datetime | None = None,
) -> AccessRecord:
    """The API gateway reports one read by the third party, after serving it. A report naming a claim
    (`claim`) is the read claimed before serving, completed and not counted again (`_claim_reported`);
    so is one naming none that gives a claimed read's own time and scope (`_claim_at`). Any other is a
    read served without a claim: recorded whatever the status (an access after a revocation is exactly
    what the customer must be able to see), and nothing is checked, so it cannot stop a read:
    `access_claim`, before serving, does. The read a one-time authorisation allowed ends it (used), in
    the same transaction. The authorisation's lock orders a report after the claim it names and before
    a second report of it."""
    now = now or timezone.now()
    if accessed_at > now:
        raise InvalidInput(_("An access cannot be in the future."), field="accessed_at")
    with transaction.atomic(durable=True):
        authorisation = locked_authorisation(authorisation_id)
        _refuse_scope_outside(authorisation, scope)
        named = claim is not None
        if not named:
            claim = _claim_at(authorisation, scope=scope, accessed_at=accessed_at)
        if claim is not None:
            return _claim_reported(
                authorisation, claim=claim, actor=actor, scope=scope, served_at=accessed_at,
                record_count=record_count, now=now, named=named,
            )
        return _read_record(
            authorisation, claimed=False, actor=actor, scope=scope,
            accessed_at=accessed_at, record_count=record_count, now=now,
        )


def _refuse_read(authorisation: Authorisation, *, now: datetime, replay: bool = False) -> None:
    """Raise `Conflict` unless the authorisation (locked, for a claim) allows the third party one more
    read now: `selectors.authorisation_read_refusal`, introspection's rule, with today's reads counted
    under the row lock so that two claims cannot both take the last read (a `replay` is the claim's own
    read)."""
    reads_today, held_by_law = selectors.authorisation_read_facts(authorisation, now=now)
    code = selectors.authorisation_read_refusal(
        authorisation, now=now, reads_today=reads_today, held_by_law=held_by_law, replay=replay
    )
    if code is not None:
        raise Conflict(READ_REFUSALS[code], code=code, count=authorisation.frequency_per_day)


def access_claim_replay_check(*, authorisation_id, now: datetime | None = None) -> None:
    """Raise the refusal a claim answered 201 before meets now, when the gateway retries it with its
    `Idempotency-Key` after a lost answer: the authorisation ended, paused, its third party suspended or
    a legal hold placed since (`selectors.authorisation_read_refusal`; not the reads the claim itself
    used up). The stored "serve it" would otherwise serve a read the customer has stopped. Writes
    nothing: the claimed read stays in the log, at the time of the claim."""
    now = now or timezone.now()
    authorisation = selectors.authorisation_by_id(authorisation_id)
    if authorisation is not None:
        _refuse_read(authorisation, now=now, replay=True)


def access_claim(
    *, actor: Actor, authorisation_id, scope: str, record_count: int = 0, now: datetime | None = None
) -> AccessRecord:
    """The API gateway claims one read BEFORE serving it: in one transaction the authorisation is
    locked, checked (`_refuse_read`: 409 with a code when the read is not allowed, nothing recorded),
    and the read recorded at `now`, ending a one-time authorisation (used). Of two claims of the last
    read allowed, made at once, exactly one succeeds: the second waits for the lock and then sees the
    first one's read."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        authorisation = locked_authorisation(authorisation_id)
        _refuse_scope_outside(authorisation, scope)
        _refuse_read(authorisation, now=now)
        return _read_record(
            authorisation, claimed=True, actor=actor, scope=scope,
            accessed_at=now, record_count=record_count, now=now,
        )
