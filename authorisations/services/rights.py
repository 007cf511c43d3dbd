"""The hooks through which data-subject rights reach third-party access, each in its caller's
transaction: an objection or restriction in force covering disclosure to third parties pauses the
customer's authorisations until it is lifted; a withdrawal covering it, a deletion, and a correction
showing the customer is a child revoke them. The `dsr` app calls them (and `subjects.follow_ups`, the
correction, and `consents.follow_ups`, a withdrawal through any channel); the moves are
`authorisations.services.moves`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from authorisations.services.moves import locked_authorisations, move_all, resume_all
from authorisations.states import (
    PAUSE_BY_RESTRICTION,
    AuthorisationStatus,
    PauseReason,
    disclosure_reach,
)
from consents.models import ProcessingRestriction
from core.actors import Actor
from subjects.children import shown_to_be_child
from subjects.follow_ups import LIFE_END_SOURCES, life_end_recorded

S = AuthorisationStatus
# The source (and reason) of the revocations a correction showing a child makes, whoever corrected it.
RECTIFIED_SOURCE = "subjects.rectified"


def authorisations_pause_for_subject_locked(
    *,
    actor: Actor,
    subject,
    purposes,
    source: str,
    now: datetime,
    kind: str = ProcessingRestriction.Kind.OBJECT,
) -> int:
    """DSR hook: an objection or restriction (`kind`) in force covering third-party disclosure pauses
    the customer's ACTIVE authorisations (caller's transaction), with its own pause reason, until it is
    lifted (`authorisations_resume_for_source_locked`); returns how many. One already paused
    (by the customer, or a suspension) stays paused: whatever ends that pause finds the objection or
    restriction in force and leaves it paused for it (`moves.resume`). A withdrawal revokes instead
    (`authorisations_revoke_for_withdrawal_locked`). One of a cross-border transfer reaches
    only the third parties abroad (`states.disclosure_reach`)."""
    reach = disclosure_reach(purposes)
    if reach is None:
        return 0
    return move_all(
        locked_authorisations(subject=subject, status=S.ACTIVE, **reach),
        to=S.PAUSED,
        actor=actor,
        now=now,
        reason=source,
        pause_reason=PAUSE_BY_RESTRICTION[kind],
        pause_source=source,
    )


def authorisations_revoke_for_subject_locked(
    *, actor: Actor, subject, source: str, now: datetime, channel: str = "",
    reach: Mapping[str, Any] | None = None,
) -> int:
    """DSR hook: every live authorisation of the customer (ACTIVE, or PAUSED for any reason; of those,
    the ones `reach` filters) is revoked as the customer's own revocation is (tokens ended, the third
    party told, event, receipt and audit entry), in the caller's transaction; returns how many. Deletion
    calls it."""
    return move_all(
        locked_authorisations(subject=subject, status__in=[S.ACTIVE, S.PAUSED], **(reach or {})),
        to=S.REVOKED,
        actor=actor,
        now=now,
        reason=source,
        channel=channel,
    )


def authorisations_revoke_for_child(
    *, actor: Actor, subject, changed: frozenset[str], before: Mapping[str, Any], now: datetime,
    source: str = "",
) -> int:
    """After a rectification (`subjects.follow_ups`), in its transaction: a correction showing the
    customer may be a child revokes their live authorisations, which a child could not have given
    (`authorisation_grantor_check`); the use of a child's data without guardian consent stops at once
    (domain notes, "People and roles"). The revocations record their own source, `subjects.rectified`,
    whatever made the correction (`source`): the platform revokes them, no request asked it to."""
    if not shown_to_be_child(subject, changed=changed, on=timezone.localdate(now)):
        return 0
    return authorisations_revoke_for_subject_locked(
        actor=actor, subject=subject, source=RECTIFIED_SOURCE, now=now
    )


def authorisations_revoke_for_life_end(
    *, actor: Actor, subject, changed: frozenset[str], before: Mapping[str, Any], now: datetime,
    source: str = "",
) -> int:
    """After a rectification (`subjects.follow_ups`), in its transaction: the customer's relationship with
    the bank ended or their death was recorded (`life_end_recorded`), so every live authorisation is
    revoked, tokens ended and third parties told: the accounts a connector read are no longer the
    customer's to open to it, and a deceased person's data needs their family's consent (Law 91/2025).
    The source says which (`LIFE_END_SOURCES`), as on the consents it stops."""
    ended_by = life_end_recorded(subject, changed)
    if ended_by is None:
        return 0
    return authorisations_revoke_for_subject_locked(
        actor=actor, subject=subject, source=LIFE_END_SOURCES[ended_by], now=now
    )


def authorisations_revoke_for_withdrawal_locked(
    *, actor: Actor, subject, purposes, channel: str, source: str, now: datetime
) -> int:
    """After a withdrawal (`consents.follow_ups`, whatever its channel: the consent switch, the API, a
    request): one that covers third-party disclosure revokes the customer's live authorisations, in the
    transaction that records it. A withdrawal is never lifted (unlike an
    objection), so a pause would wait for nothing: the third parties stop for good (domain notes,
    "Consent rules": recipients stop; a third-party authorisation is a revocable consent). One of a
    cross-border transfer revokes only the third parties abroad (`states.disclosure_reach`)."""
    reach = disclosure_reach(purposes)
    if reach is None:
        return 0
    return authorisations_revoke_for_subject_locked(
        actor=actor, subject=subject, source=source, now=now, channel=channel, reach=reach
    )


def authorisations_revoke_for_source_locked(
    *, actor: Actor, source: str, now: datetime, channel: str = ""
) -> int:
    """DSR hook: revoke the authorisations this request paused (caller's transaction). For the
    withdrawals an earlier release put in force by pausing: nothing lifts a withdrawal."""
    return move_all(
        locked_authorisations(status=S.PAUSED, pause_reason=PauseReason.DSR, pause_source=source),
        to=S.REVOKED,
        actor=actor,
        now=now,
        reason=source,
        channel=channel,
    )


def authorisations_resume_for_source_locked(*, actor: Actor, source: str, now: datetime) -> int:
    """DSR hook: when the objection or restriction that paused authorisations is lifted (after its
    restrictions are lifted, same transaction), they resume unless something else still holds them
    (`moves.resume`: another objection or restriction, a suspended third party); those whose term has
    ended expire instead. Returns how many resumed or expired."""
    return resume_all(
        locked_authorisations(
            status=S.PAUSED, pause_reason__in=list(PAUSE_BY_RESTRICTION.values()), pause_source=source
        ),
        actor=actor,
        now=now,
        reason=source,
    )
