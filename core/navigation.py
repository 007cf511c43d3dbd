"""What the page shells show: menu entries, dashboard cards and customer-page panels.

Each app registers its own entries from AppConfig.ready(), so the shell in `core` never imports
the feature apps and the menu shows each role only what it may open.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MenuItem:
    area: str  # "portal" or "me"
    url_name: str
    label: Any
    # A symbol id in static/img/icons.svg: dashboard, users, shield, check, inbox, chart, file,
    # settings, clock, upload, list, lock, alert.
    icon: str = "list"
    order: int = 100
    permission: str | None = None  # a Django permission; None means everyone in the area


@dataclass(frozen=True)
class SubjectPanel:
    """A section of the staff customer page, rendered by `template` with `context(request, subject)`."""

    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 100
    permission: str | None = None


@dataclass
class _Registry:
    menu: list[MenuItem] = field(default_factory=list)
    dashboard_cards: dict[str, list[Callable[[Any], list[dict[str, Any]]]]] = field(default_factory=dict)
    subject_panels: list[SubjectPanel] = field(default_factory=list)
    dashboard_panels: list[DashboardPanel] = field(default_factory=list)


registry = _Registry()


def register_menu(*items: MenuItem) -> None:
    registry.menu.extend(items)
    registry.menu.sort(key=lambda item: item.order)


def register_dashboard_cards(
    provider: Callable[[Any], list[dict[str, Any]]], *, area: str = "portal"
) -> None:
    """`provider(request)` returns cards: {"label", "value", "url", "tone"} (tone: ok, warn, danger)."""
    registry.dashboard_cards.setdefault(area, []).append(provider)


def dashboard_cards(request, area: str) -> list[dict[str, Any]]:
    return [card for provider in registry.dashboard_cards.get(area, []) for card in provider(request)]


def register_subject_panel(panel: SubjectPanel) -> None:
    registry.subject_panels.append(panel)
    registry.subject_panels.sort(key=lambda p: p.order)


def menu_for(user, area: str) -> list[MenuItem]:
    return [
        i for i in registry.menu if i.area == area and (i.permission is None or user.has_perm(i.permission))
    ]


@dataclass(frozen=True)
class DashboardPanel:
    """A section of a dashboard below its cards, rendered by `template` with `context(request)`;
    `context` returns None when the viewer has nothing to see there."""

    template: str
    context: Callable[[Any], dict[str, Any] | None]
    area: str = "portal"
    order: int = 100


def register_dashboard_panel(panel: DashboardPanel) -> None:
    registry.dashboard_panels.append(panel)
    registry.dashboard_panels.sort(key=lambda p: p.order)


def dashboard_panels(request, area: str) -> list[dict[str, Any]]:
    """The panels of `area` the viewer may see: [{"template", "context"}]."""
    shown = []
    for panel in registry.dashboard_panels:
        if panel.area != area:
            continue
        context = panel.context(request)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
