"""Menu entries, dashboard cards and the customer-page panel of the consents app."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.selectors import consent_switches_of, purposes_offered_any, withdrawal_duties_open_counts
from consents.views import subject_panel_context
from core.access import subject_for_user
from core.navigation import (
    MenuItem,
    SubjectPanel,
    register_dashboard_cards,
    register_menu,
    register_subject_panel,
)
from deadlines.wording import binding_period_in_words


def _portal_cards(request) -> list[dict]:
    if not request.user.has_perm("consents.view_withdrawalduty"):
        return []

    open_count, overdue = withdrawal_duties_open_counts(now=timezone.now())
    url = reverse("consents:duty_list")
    return [
        {
            "label": _("Recipient notices awaiting acknowledgement"),
            "value": open_count,
            "url": url,
            "tone": "warn" if open_count else "ok",
        },
        {
            "label": _("Recipient notices overdue (%(period)s)")
            % {"period": binding_period_in_words("withdraw", processor_involved=True)},
            "value": overdue,
            "url": url,
            "tone": "danger" if overdue else "ok",
        },
    ]


def _empty_catalogue_cards(request) -> list[dict]:
    """A bank's own database starts with no purpose: nothing for customers to consent to, and every
    consent an integration client records is refused."""
    if not request.user.has_perm("consents.add_purpose") or purposes_offered_any():
        return []
    return [
        {
            "label": _("No purpose is offered yet: add the bank's purposes and their notices"),
            "value": 0,
            "url": reverse("consents:purpose_new"),
            "tone": "danger",
        }
    ]


def _me_cards(request) -> list[dict]:
    subject = subject_for_user(request.user)
    if subject is None:
        return []
    # As the consents page shows them: a consent past its end is not counted before the hourly sweep
    # marks it expired, and one to a purpose no longer offered is, as the page lists it to withdraw.
    agreed = consent_switches_of([subject], now=timezone.now()).agreed(subject)
    return [
        {
            "label": _("Purposes you consented to"),
            "value": len(agreed),
            "url": reverse("consents:me_consents"),
            "tone": "ok",
        }
    ]


# The consents group of the portal menu: (url name, label, icon, order, permission).
PORTAL_PAGES = (
    ("consents:purpose_list", _("Purposes"), "list", 40, "consents.view_purpose"),
    ("consents:recipient_list", _("Recipients"), "users", 45, "consents.view_recipient"),
    ("consents:duty_list", _("Recipient notices"), "clock", 50, "consents.view_withdrawalduty"),
    ("consents:import", _("Import consents"), "upload", 55, "consents.import_consents"),
)


def register() -> None:
    register_menu(
        *(
            MenuItem("portal", url_name, label, icon=icon, order=order, permission=perm, group="consents")
            for url_name, label, icon, order, perm in PORTAL_PAGES
        ),
        MenuItem("me", "consents:me_consents", _("My consents"), icon="check", order=20),
        # Beside the deadline report (dsr's "Reports", order 70), for the same readers.
        MenuItem(
            "portal", "consents:report", _("Consent report"), icon="chart", order=71,
            permission="consents.view_consent_report", group="oversight",
        ),
    )
    register_dashboard_cards(_portal_cards, area="portal")
    register_dashboard_cards(_empty_catalogue_cards, area="portal")
    register_dashboard_cards(_me_cards, area="me")
    register_subject_panel(
        SubjectPanel(
            template="consents/panel_timeline.html",
            context=subject_panel_context,
            order=20,
            permission="consents.view_consent",
        )
    )
