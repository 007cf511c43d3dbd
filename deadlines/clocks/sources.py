"""The registry of clock sources: each app declares, from its AppConfig.ready(), the items it keeps
deadlines on, in the columns the sweeper (`deadlines.clocks.sweep`) reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, UUIDField, Value
from django.db.models.functions import Cast

from core.roles import Role

ITEM_COLUMNS = ("clock_item_id", "clock_due_at", "clock_assignee_id", "clock_subject_id")


def clock_columns(
    queryset: QuerySet, *, due: str, assignee: str | None = None, subject: str | None = None
) -> QuerySet:
    """`queryset` annotated with `ITEM_COLUMNS` for a source's `open_items`: the primary key as text,
    the deadline from the field `due`, and the assignee and data subject from the fields named (none
    when omitted: the source's queue roles are reminded instead)."""
    return queryset.annotate(
        clock_item_id=Cast("pk", CharField(max_length=64)),
        clock_due_at=F(due),
        clock_assignee_id=F(assignee) if assignee else Value(None, output_field=IntegerField()),
        # Typed, so that a sweep can compare it with customers' ids.
        clock_subject_id=F(subject) if subject else Cast(Value(None), UUIDField()),
    )


def short_id(item_id: str) -> str:
    """The first 8 hex digits of an item id (a UUID's text, with or without dashes), for labels."""
    return item_id.replace("-", "")[:8]


@dataclass(frozen=True)
class ClockSource:
    """One kind of item with deadlines.

    `open_items(clock)` returns the items still open on that clock, annotated with `ITEM_COLUMNS`
    (`clock_columns`); a source whose items can be closed after their deadline without the closing
    recording it adds those not recorded yet, and the next sweep records them;
    `fields` names extra columns `label` and `link` read. `label(row)` must not contain personal
    data (it goes into e-mails and the breach register); `link(row)` is a portal path or "".
    `on_breached(rows, now)` runs inside the sweep's transaction for the rows newly breached.
    """

    name: str
    clocks: tuple[str, ...]
    open_items: Callable[[str], QuerySet]
    label: Callable[[dict[str, Any]], str]
    link: Callable[[dict[str, Any]], str] = lambda row: ""
    fields: tuple[str, ...] = ()
    queue_roles: tuple[str, ...] = (Role.PRIVACY,)
    breach_action: str = "core.deadline.breached"
    on_breached: Callable[[list[dict[str, Any]], datetime], None] | None = None
    clock_labels: dict[str, Any] = field(default_factory=dict)
    # What the items are (translated when shown), for the reports' breach tables.
    title: Any = ""


_sources: dict[str, ClockSource] = {}


def register_clock_source(source: ClockSource) -> None:
    """Declare a source (from AppConfig.ready()); registering the same name again replaces it."""
    _sources[source.name] = source


def clock_source(name: str) -> ClockSource:
    """The source registered under `name`."""
    return _sources[name]


def clock_sources() -> list[ClockSource]:
    return [_sources[name] for name in sorted(_sources)]


def clock_labels(source: str, clock: str) -> tuple[str, str]:
    """The translated title of a source and label of one of its clocks; the codes when unknown."""
    found = _sources.get(source)
    if found is None:
        return source, clock
    return str(found.title or source), str(found.clock_labels.get(clock, clock))
