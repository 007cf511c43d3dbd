"""The regulator's clocks, plugged into the shared deadline machinery (`core.clocks`): the DPO is
reminded before a breach's 72 hours or a dossier's 60 days run out, and a passed deadline goes into
the breach register and the daily report like every other clock. The sweeper never imports this app.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from deadlines.clocks import ClockSource, clock_columns, register_clock_source
from deadlines.models import DeadlineType
from regulator.models import Breach, BreachStatus, Dossier, DossierStatus, DossierStatusChange

BREACH_SOURCE = "regulator.breach"
DOSSIER_SOURCE = "regulator.dossier"
# Each source's one clock.
BREACH_CLOCK = "notify"
DOSSIER_CLOCK = "file"


def breaches_to_notify(clock: str) -> QuerySet:
    """Breaches on the 72-hour clock: those not notified yet, and those notified after their deadline
    whose missed deadline is not recorded (notified before `breach_notify` recorded it): the next sweep
    records them."""
    breaches = Breach.objects.filter(
        Q(status=BreachStatus.OPEN)
        | Q(notified_at__gt=F("notify_due_at"), deadline_breached_at__isnull=True)
    )
    return clock_columns(breaches, due="notify_due_at")


def dossiers_to_file(clock: str) -> QuerySet:
    """Dossiers on the 60-day clock: those never filed, and those first filed after their deadline whose
    missed deadline is not recorded (filed before `dossier_file` recorded it). The first filing is the
    one the 60 days bind: a later version filed again after them is not late."""
    filed_late = DossierStatusChange.objects.filter(
        dossier=OuterRef("pk"), from_status=DossierStatus.DRAFT, at__gt=OuterRef("due_at")
    )
    dossiers = Dossier.objects.filter(
        Q(status=DossierStatus.DRAFT) | Q(Exists(filed_late), deadline_breached_at__isnull=True)
    )
    return clock_columns(dossiers, due="due_at")


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
        # Runs inside the sweep's transaction, or the late notification's or filing's
        # (`deadline_missed_record`); the null guard keeps the first time the deadline was found missed.
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
            clock=BREACH_CLOCK,
            clock_label=_("72 hours to notify the authority (A05)"),
            open_items=breaches_to_notify,
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
            clock=DOSSIER_CLOCK,
            clock_label=_("60 days to file the impact assessment"),
            open_items=dossiers_to_file,
            label=dossier_label,
            fields=("purpose__code",),
            detail_url="regulator:dossier_detail",
            breach_action="regulator.dossier.deadline_breached",
            title=DeadlineType.IMPACT_ASSESSMENT.label,
        )
    )
