"""What the apps above do, in the same transaction, when a customer withdraws consent.

Withdrawal works through any channel (domain notes, "Consent rules"): the consent switch, the API, a
data-subject request. `authorisations` is a layer above `consents`, yet withdrawing consent to share
with third parties must end the third parties' access too. So it registers at start-up what follows a
withdrawal (`register_after_withdrawal`), and every withdrawal service calls it once it is recorded; and,
since the consequences are explained first, what to tell the customer of it beforehand
(`register_withdrawal_explained`), which `consents.selectors.withdrawal_consequences` adds.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from consents.models import Purpose
from core.actors import Actor
from subjects.models import DataSubject

# Each is called as follow_up(actor=..., subject=..., purposes=the purposes withdrawn (None: every
# one), channel=..., source=the withdrawal's source ("consents.withdrawn" for one made outside a
# request), now=...).
_follow_ups: list[Callable[..., object]] = []

# Each is called as explain(subject=..., purposes=the purposes to be withdrawn, None: every one) and
# returns the sentences saying what its follow-up will end, in the reader's language (none: it ends nothing).
_explained: list[Callable[..., list[str]]] = []

# The source of a withdrawal no request asked for (the consent switch, the API).
DIRECT_SOURCE = "consents.withdrawn"


def register_after_withdrawal(follow_up: Callable[..., object]) -> None:
    if follow_up not in _follow_ups:
        _follow_ups.append(follow_up)


def after_withdrawal(
    *, actor: Actor, subject: DataSubject, purposes: Sequence[Purpose] | None, channel: str, source: str,
    now: datetime,
) -> None:
    for follow_up in _follow_ups:
        follow_up(
            actor=actor, subject=subject, purposes=purposes, channel=channel, source=source or DIRECT_SOURCE,
            now=now,
        )


def register_withdrawal_explained(explain: Callable[..., list[str]]) -> None:
    if explain not in _explained:
        _explained.append(explain)


def withdrawal_follow_ups_explained(*, subject: DataSubject, purposes: Sequence[Purpose] | None) -> list[str]:
    """What the registered follow-ups of withdrawing `purposes` (None: every one) will end, told before
    the withdrawal."""
    return [line for explain in _explained for line in explain(subject=subject, purposes=purposes)]
