"""What the page shells show: menu entries, dashboard cards and customer-page panels.

Each app registers its own entries from AppConfig.ready(), so the shell in `core` never imports
the feature apps and the menu shows each role only what it may open.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The staff sidebar's sections, in order; an entry names its section by key (none: above them all).
MENU_GROUPS: tuple[tuple[str, Any], ...] = (
    ("customers", _("Customers")),
    ("consents", _("Consents")),
    ("requests", _("Requests")),
    ("oversight", _("Oversight and regulator")),
    ("admin", _("Administration")),
)


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
    count: Callable[[Any], int] | None = None  # `count(user)`: a number shown beside it (unread...)
    group: str = ""  # a key of MENU_GROUPS


@dataclass(frozen=True)
class SubjectPanel:
    """A section of the staff customer page, rendered by `template` with `context(request, subject)`."""

    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 100
    permission: str | None = None


@dataclass(frozen=True)
class SubjectLink:
    """A page about one customer (its URL takes the customer's id), linked from the pages of the layers
    below `subjects` that name a customer (the audit trail filtered by one), which may not import it."""

    url_name: str
    label: Any
    order: int = 100
    permission: str | None = None


@dataclass
class _Registry:
    menu: list[MenuItem] = field(default_factory=list)
    dashboard_cards: dict[str, list[Callable[[Any], list[dict[str, Any]]]]] = field(default_factory=dict)
    subject_panels: list[SubjectPanel] = field(default_factory=list)
    dashboard_panels: list[DashboardPanel] = field(default_factory=list)
    subject_links: list[SubjectLink] = field(default_factory=list)


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


def register_subject_link(link: SubjectLink) -> None:
    registry.subject_links.append(link)
    registry.subject_links.sort(key=lambda item: item.order)


def subject_links(user, subject_id) -> list[dict[str, Any]]:
    """The customer's pages `user` may open: [{"url_name", "label", "url"}]."""
    return [
        {"url_name": link.url_name, "label": link.label, "url": reverse(link.url_name, args=[subject_id])}
        for link in registry.subject_links
        if link.permission is None or user.has_perm(link.permission)
    ]


def menu_for(user, area: str) -> list[MenuItem]:
    return [
        i for i in registry.menu if i.area == area and (i.permission is None or user.has_perm(i.permission))
    ]


def menu_grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries (dicts with a "group" key) in the sidebar's sections: ungrouped first, then each
    section of MENU_GROUPS that has an entry, in that order."""
    sections = [{"key": "", "label": "", "items": [i for i in items if not i["group"]]}]
    known = {key for key, _label in MENU_GROUPS}
    for key, label in MENU_GROUPS:
        sections.append({"key": key, "label": label, "items": [i for i in items if i["group"] == key]})
    # An entry naming an unknown section is still shown, at the end, rather than lost.
    unknown = [i for i in items if i["group"] and i["group"] not in known]
    sections.append({"key": "other", "label": "", "items": unknown})
    return [s for s in sections if s["items"]]


def menu_active(path: str, urls: list[str]) -> str | None:
    """The one entry the page belongs to: the longest entry URL the path starts with. An entry
    whose URL is the start of another's (the dashboard, /en/portal/) is active only on itself, so it
    does not light up on every page below it."""
    best = None
    for url in urls:
        covers_others = any(other != url and other.startswith(url) for other in urls)
        matches = path == url if covers_others else path.startswith(url)
        if matches and (best is None or len(url) > len(best)):
            best = url
    return best


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
