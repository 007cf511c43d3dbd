"""Menu entries: the customer's privacy page, and the DPO's page that edits the texts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.navigation import MenuItem, register_menu


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
