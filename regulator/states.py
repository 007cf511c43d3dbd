"""The breach state machine: its statuses, the one table of allowed moves and the terminal set.

`regulator.services.breaches.breach_transition` is the only code that applies a move; pages and API
ask `regulator.selectors.breach_allowed_actions`. Dossiers have no machine: a dossier is filed by
writing a version (`DossierStatus` on the model), never moved back.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BreachStatus(models.TextChoices):
    OPEN = "open", _("Awaiting notification")
    NOTIFIED = "notified", _("Authority notified")
    CLOSED = "closed", _("Closed")


# The first phase filed moves a breach to "notified"; the DPO closes it once no more facts are expected.
BREACH_TRANSITIONS: dict[str, frozenset[str]] = {
    BreachStatus.OPEN: frozenset({BreachStatus.NOTIFIED}),
    BreachStatus.NOTIFIED: frozenset({BreachStatus.CLOSED}),
    BreachStatus.CLOSED: frozenset(),
}
BREACH_TERMINAL: frozenset[str] = frozenset(s for s, moves in BREACH_TRANSITIONS.items() if not moves)


def allowed_next(status: str) -> frozenset[str]:
    return BREACH_TRANSITIONS.get(status, frozenset())


def is_allowed(old: str, new: str) -> bool:
    return new in allowed_next(old)
