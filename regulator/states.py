"""The regulator's state machines: breaches and impact-assessment dossiers, each its statuses and table.

`regulator.services.breaches.breach_transition` and `regulator.services.dossiers.dossier_transition`
are the only code that applies a move; pages and API ask `regulator.selectors.breach_allowed_actions`
and `dossier_allowed_actions`. Each table is read as "from this status, these are allowed next".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StateMachine


class BreachStatus(models.TextChoices):
    OPEN = "open", _("Awaiting notification")
    NOTIFIED = "notified", _("Authority notified")
    CLOSED = "closed", _("Closed")


# The first phase filed moves a breach to "notified"; the DPO closes it once no more facts are expected.
BREACH_MACHINE = StateMachine({
    BreachStatus.OPEN: {BreachStatus.NOTIFIED},
    BreachStatus.NOTIFIED: {BreachStatus.CLOSED},
    BreachStatus.CLOSED: set(),
})


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Not filed")
    FILED = "filed", _("Filed")


# A dossier is filed with the authority; it stays open to new versions (the catalogue or the DPO's
# assessment changes), and a later version is filed again: filed → filed. No status ends it.
DOSSIER_MACHINE = StateMachine({
    DossierStatus.DRAFT: {DossierStatus.FILED},
    DossierStatus.FILED: {DossierStatus.FILED},
})
