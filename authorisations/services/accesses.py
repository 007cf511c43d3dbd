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
from authorisations.services.moves import locked_authorisation, move
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
    selectors.DAILY_LIMIT_REACHED: _(
        "The customer allowed %(count)s reads a day and all of today's have been made. Reads "
        "are allowed again after midnight, Vietnam time."
    ),
}


def _refuse_scope_outside(authorisation: Authorisation, scope: str) -> None:
    if scope not in authorisation.scopes:
        raise InvalidInput(_("This authorisation does not cover that scope."), field="scope")


def _read_record(
    authorisation: Authorisation, *, action: str, actor: Actor, scope: str, accessed_at: datetime,
    record_count: int, now: datetime,
) -> AccessRecord:
    """Record one read of a locked authorisation, in a scope it covers (the caller checked), with its
    audit entry (`action`), in the caller's transaction; the read a live one-time authorisation allowed
    ends it (used): introspection answers inactive from then on, and its tokens end."""
    record = AccessRecord.objects.create(
        authorisation=authorisation,
        scope=scope,
        accessed_at=accessed_at,
        record_count=record_count,
        reported_by=actor.label[:150],
    )
    audit_record(
        action=action,
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
    live = authorisation.status in AUTHORISATION_MACHINE.live
    if live and authorisation.fetch_type == FetchType.ONE_TIME:
        move(authorisation, to=S.USED, actor=actor, now=now, reason="one-time read reported")
    return record


def access_record(
    *,
    actor: Actor,
    authorisation_id,
    scope: str,
    accessed_at: datetime,
    record_count: int,
    now: datetime | None = None,
) -> AccessRecord:
    """The API gateway reports one read by the third party, after serving it. Recorded whatever the
    status (an access after a revocation is exactly what the customer must be able to see); nothing is
    checked, so it cannot stop a read: `access_claim`, before serving, does. The read a one-time
    authorisation allowed ends it (used), in the same transaction."""
    now = now or timezone.now()
    if accessed_at > now:
        raise InvalidInput(_("An access cannot be in the future."), field="accessed_at")
    with transaction.atomic(durable=True):
        authorisation = locked_authorisation(authorisation_id)
        _refuse_scope_outside(authorisation, scope)
        return _read_record(
            authorisation, action="authorisations.access.reported", actor=actor, scope=scope,
            accessed_at=accessed_at, record_count=record_count, now=now,
        )


def _refuse_read(authorisation: Authorisation, *, now: datetime) -> None:
    """Raise `Conflict` unless the locked authorisation allows the third party one more read now:
    `selectors.authorisation_read_refusal`, introspection's rule, with today's reads counted under the
    row lock so that two claims cannot both take the last read."""
    reads_today = selectors.authorisation_reads_today(authorisation, now=now)
    code = selectors.authorisation_read_refusal(authorisation, now=now, reads_today=reads_today)
    if code is not None:
        raise Conflict(READ_REFUSALS[code], code=code, count=authorisation.frequency_per_day)


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
            authorisation, action="authorisations.access.claimed", actor=actor, scope=scope,
            accessed_at=now, record_count=record_count, now=now,
        )
