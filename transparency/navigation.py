"""Menu entries: the customer's privacy page, and the DPO's page that edits the texts; the DPO's
dashboard card while customers still read the DPO contact a fresh database started with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.navigation import MenuItem, register_dashboard_cards, register_menu
from transparency.models import TextKind
from transparency.selectors import text_still_placeholder
from transparency.services import PUBLISH_PERMISSION


def placeholder_contact_cards(request) -> list[dict[str, Any]]:
    """Outside the demo a customer who writes to the placeholder contact reaches nobody at the bank."""
    if settings.DEMO or not request.user.has_perm(PUBLISH_PERMISSION):
        return []
    if not text_still_placeholder(TextKind.DPO_CONTACT):
        return []
    return [
        {
            "label": _("Customers are shown the demo DPO contact: publish the bank's own"),
            "value": _("Not set"),
            "url": reverse("transparency:portal_text_edit", args=[TextKind.DPO_CONTACT.value]),
            "tone": "danger",
        }
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
    register_dashboard_cards(placeholder_contact_cards, area="portal")
