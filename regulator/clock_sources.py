"""The regulator's clocks, plugged into the shared deadline machinery (`core.clocks`): the DPO is
reminded before a breach's 72 hours or a dossier's 60 days run out, and a passed deadline goes into
the breach register and the daily report like every other clock. The sweeper never imports this app.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
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
    return clock_columns(Breach.objects.filter(status=BreachStatus.OPEN), due="notify_due_at")


def draft_dossiers(clock: str) -> QuerySet:
    return clock_columns(Dossier.objects.filter(status=DossierStatus.DRAFT), due="due_at")


def breach_label(row: dict[str, Any]) -> str:
    return gettext("Breach %(reference)s: notify A05") % {"reference": row["reference"]}


def dossier_label(row: dict[str, Any]) -> str:
    return gettext("Impact-assessment dossier for purpose %(purpose)s") % {"purpose": row["purpose__code"]}


def _filing_source(
    *,
    name: str,
    model: type[Breach] | type[Dossier],
    clock: str,
    clock_label: Promise,
    open_items: Callable[[str], QuerySet],
    label: Callable[[dict[str, Any]], str],
    fields: tuple[str, ...],
    detail_url: str,
    breach_action: str,
    title: Promise,
) -> ClockSource:
    """The clock source of one kind of filing: one clock, on the DPO's queue, linked to its page."""

    def link(row: dict[str, Any]) -> str:
        # The item id is the text cast of a UUID: with dashes on PostgreSQL, 32 hex digits on SQLite.
        return reverse(detail_url, args=[uuid.UUID(row["clock_item_id"])])

    def mark_breached(rows: list[dict[str, Any]], now: datetime) -> None:
        # Runs inside the sweep's transaction; the null guard keeps the first time the deadline passed.
        model.objects.filter(
            pk__in=[row["clock_item_id"] for row in rows], deadline_breached_at__isnull=True
        ).update(deadline_breached_at=now)

    return ClockSource(
        name=name,
        clocks=(clock,),
        open_items=open_items,
        label=label,
        link=link,
        fields=fields,
        # Filings are the DPO's: no single assignee, the DPO role is the queue.
        queue_roles=(Role.DPO,),
        breach_action=breach_action,
        on_breached=mark_breached,
        clock_labels={clock: clock_label},
        title=title,
    )


def register() -> None:
    register_clock_source(
        _filing_source(
            name=BREACH_SOURCE,
            model=Breach,
            clock="notify",
            clock_label=_("72 hours to notify the authority (A05)"),
            open_items=open_breaches,
            label=breach_label,
            fields=("reference",),
            detail_url="regulator:breach_detail",
            breach_action="regulator.breach.deadline_breached",
            title=DeadlineType.BREACH_NOTIFICATION.label,
        )
    )
    register_clock_source(
        _filing_source(
            name=DOSSIER_SOURCE,
            model=Dossier,
            clock="file",
            clock_label=_("60 days to file the impact assessment"),
            open_items=draft_dossiers,
            label=dossier_label,
            fields=("purpose__code",),
            detail_url="regulator:dossier_detail",
            breach_action="regulator.dossier.deadline_breached",
            title=DeadlineType.IMPACT_ASSESSMENT.label,
        )
    )
