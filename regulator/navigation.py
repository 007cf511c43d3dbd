"""Menu entries and dashboard cards of the regulator app (DPO and auditor), and the customer's card
for upcoming notice changes."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.selectors import announcements_failing, announcements_upcoming_for_subject
from core.access import subject_for_user
from core.navigation import (
    MenuItem,
    SubjectLink,
    SubjectPanel,
    register_dashboard_cards,
    register_menu,
    register_subject_link,
    register_subject_panel,
)
from regulator.selectors import breaches_open_counts, dossier_duties


def _portal_cards(request) -> list[dict]:
    if not request.user.has_perm("regulator.view_regulator"):
        return []

    now = timezone.now()
    open_count, past_law, past_commitment = breaches_open_counts(now=now)
    duties = dossier_duties()
    dossiers_due = sum(1 for d in duties if not d.filed)
    dossiers_overdue = sum(1 for d in duties if d.overdue(now))
    failing = announcements_failing()
    breaches = reverse("regulator:breach_list")
    # Which deadline passed, as the register says it: the law's 72 hours (late to the authority) apart
    # from the bank's own stricter deadline, which binds the staff but is not late in A05's eyes.
    overdue_cards = [
        {"label": label, "value": count, "url": breaches, "tone": tone}
        for label, count, tone in (
            (_("Breaches past the law's 72 hours"), past_law, "danger"),
            (_("Breaches past the bank's own deadline"), past_commitment, "warn"),
        )
        if count
    ]
    return [
        {
            "label": _("Breaches awaiting notification"),
            "value": open_count,
            "url": breaches,
            "tone": "danger" if past_law else ("warn" if open_count else "ok"),
        },
        *overdue_cards,
        {
            "label": _("Impact assessments not filed"),
            "value": dossiers_due,
            "url": reverse("regulator:dossier_list"),
            "tone": "danger" if dossiers_overdue else ("warn" if dossiers_due else "ok"),
        },
        {
            # Parked ones wait for the DPO (danger); the others failed lately and will be tried again.
            "label": _("Notice announcements failing"),
            "value": failing["parked"] + failing["retrying"],
            "url": reverse("regulator:announcement_list"),
            "tone": "danger" if failing["parked"] else ("warn" if failing["retrying"] else "ok"),
        },
    ]


def _me_cards(request) -> list[dict]:

    subject = subject_for_user(request.user)
    if subject is None:
        return []
    upcoming = announcements_upcoming_for_subject(subject)
    if not upcoming:
        return []
    return [
        {
            "label": _("Upcoming changes to our notices"),
            "value": len(upcoming),
            "url": reverse("regulator:me_notice_changes"),
            "tone": "warn",
        }
    ]


def _proof_bundle_panel(request, subject) -> dict:
    return {"subject_id": subject.pk}


def register() -> None:

    register_menu(
        MenuItem(
            "portal",
            "regulator:breach_list",
            _("Breach register"),
            icon="alert",
            order=70,
            permission="regulator.view_breach",
            group="oversight",
        ),
        MenuItem(
            "portal",
            "regulator:dossier_list",
            _("Impact assessments"),
            icon="file",
            order=71,
            permission="regulator.view_dossier",
            group="oversight",
        ),
        MenuItem(
            "portal",
            "regulator:processing_record",
            _("Processing record"),
            icon="list",
            order=72,
            permission="regulator.view_regulator",
            group="oversight",
        ),
        MenuItem(
            "portal",
            "regulator:announcement_list",
            _("Notice announcements"),
            icon="clock",
            order=73,
            permission="regulator.view_regulator",
            group="oversight",
        ),
        MenuItem("me", "regulator:me_notice_changes", _("Notice changes"), icon="file", order=60),
    )
    register_subject_panel(
        SubjectPanel(
            template="regulator/_proof_bundle_panel.html",
            context=_proof_bundle_panel,
            order=1,
            permission="regulator.view_regulator",
        )
    )
    # The auditor cannot open the customer page: the audit trail filtered by the customer links here.
    register_subject_link(
        SubjectLink(
            "regulator:proof_bundle",
            _("Proof bundle for this customer"),
            order=10,
            permission="regulator.view_regulator",
        )
    )
    register_dashboard_cards(_portal_cards, area="portal")
    register_dashboard_cards(_me_cards, area="me")
