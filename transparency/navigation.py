"""Menu entries: the customer's privacy page, and the DPO's page that edits the texts; the DPO's
dashboard cards while customers still read the DPO contact or the privacy notice a fresh database
started with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.navigation import MenuItem, register_dashboard_cards, register_menu
from transparency.models import TextKind
from transparency.selectors import text_still_placeholder
from transparency.services import PUBLISH_PERMISSION

# Each text a fresh database starts with that the DPO must replace, with what its card says.
PLACEHOLDER_CARD_LABELS = {
    TextKind.DPO_CONTACT: _("Customers are shown the demo DPO contact: publish the bank's own"),
    TextKind.PRIVACY_NOTICE: _("Customers are shown the demo privacy notice: publish the bank's own"),
}


def placeholder_text_cards(request) -> list[dict[str, Any]]:
    """Outside the demo a customer who writes to the placeholder contact reaches nobody at the bank, and
    the placeholder notice does not say what this bank does with their data."""
    if settings.DEMO or not request.user.has_perm(PUBLISH_PERMISSION):
        return []
    return [
        {
            "label": label,
            "value": _("Not set"),
            "url": reverse("transparency:portal_text_edit", args=[kind.value]),
            "tone": "danger",
        }
        for kind, label in PLACEHOLDER_CARD_LABELS.items()
        if text_still_placeholder(kind)
    ]


def register() -> None:
    register_menu(
        MenuItem(
            "portal",
            "transparency:portal_texts",
            _("Customer information"),
            icon="file",
            order=74,
            permission="transparency.publish_text",
        ),
        MenuItem("me", "transparency:me_privacy", _("Privacy"), icon="shield", order=90),
    )
    register_dashboard_cards(placeholder_text_cards, area="portal")
