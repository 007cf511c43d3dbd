"""Menu entries and the staff customer-page panel of the authorisations app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from authorisations.staff_pages import subject_panel_context
from core.navigation import MenuItem, SubjectPanel, register_menu, register_subject_panel


def register() -> None:
    register_menu(
        MenuItem(
            "portal",
            "authorisations:third_party_list",
            _("Third parties"),
            icon="shield",
            order=47,
            permission="authorisations.view_thirdparty",
            group="customers",
        ),
        MenuItem("me", "authorisations:me_list", _("Third-party access"), icon="lock", order=25),
    )
    register_subject_panel(
        SubjectPanel(
            template="authorisations/panel.html",
            context=subject_panel_context,
            order=25,
            permission="authorisations.view_authorisation",
        )
    )
