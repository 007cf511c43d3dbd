"""The regulator's clocks, plugged into the shared deadline machinery (`core.clocks`): the DPO is
reminded before a breach's 72 hours or a dossier's 60 days run out, and a passed deadline goes into
the breach register and the daily report like every other clock. The sweeper never imports this app.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from deadlines.clocks import ClockSource, clock_columns, register_clock_source
from deadlines.models import DeadlineType
from regulator.models import Breach, BreachStatus, Dossier, DossierStatus

BREACH_SOURCE = "regulator.breach"
DOSSIER_SOURCE = "regulator.dossier"


def open_breaches(clock: str) -> QuerySet:
    # `status="open"` repeats the partial index's condition so the planner can use it.
    # Filings are the DPO's: no single assignee, the DPO role is the queue.
    return clock_columns(Breach.objects.filter(status=BreachStatus.OPEN), due="notify_due_at")


def draft_dossiers(clock: str) -> QuerySet:
    return clock_columns(Dossier.objects.filter(status=DossierStatus.DRAFT), due="due_at")


def breach_label(row: dict[str, Any]) -> str:
    return gettext("Breach %(reference)s: notify A05") % {"reference": row["reference"]}


def dossier_label(row: dict[str, Any]) -> str:
    return gettext("Impact-assessment dossier for purpose %(purpose)s") % {"purpose": row["purpose__code"]}


# The item id is the text cast of a UUID: with dashes on PostgreSQL, 32 hex digits on SQLite.
def breach_link(row: dict[str, Any]) -> str:
    return reverse("regulator:breach_detail", args=[uuid.UUID(row["clock_item_id"])])


def dossier_link(row: dict[str, Any]) -> str:
    return reverse("regulator:dossier_detail", args=[uuid.UUID(row["clock_item_id"])])


def _mark(model, rows: list[dict[str, Any]], now: datetime) -> None:
    # Runs inside the sweep's transaction; the null guard keeps the first time the deadline passed.
    model.objects.filter(
        pk__in=[row["clock_item_id"] for row in rows], deadline_breached_at__isnull=True
    ).update(deadline_breached_at=now)


def register() -> None:
    register_clock_source(
        ClockSource(
            name=BREACH_SOURCE,
            clocks=("notify",),
            open_items=open_breaches,
            label=breach_label,
            link=breach_link,
            fields=("reference",),
            queue_roles=(Role.DPO,),
            breach_action="regulator.breach.deadline_breached",
            on_breached=lambda rows, now: _mark(Breach, rows, now),
            clock_labels={"notify": _("72 hours to notify the authority (A05)")},
            title=DeadlineType.BREACH_NOTIFICATION.label,
        )
    )
    register_clock_source(
        ClockSource(
            name=DOSSIER_SOURCE,
            clocks=("file",),
            open_items=draft_dossiers,
            label=dossier_label,
            link=dossier_link,
            fields=("purpose__code",),
            queue_roles=(Role.DPO,),
            breach_action="regulator.dossier.deadline_breached",
            on_breached=lambda rows, now: _mark(Dossier, rows, now),
            clock_labels={"file": _("60 days to file the impact assessment")},
            title=DeadlineType.IMPACT_ASSESSMENT.label,
        )
    )
