"""The staff customer page's third-party panel shows when an ended authorisation (revoked, expired, used)
ended, as the customer's own page does, not the end it was planned to run to."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from authorisations import services
from core.actors import actor_for_user
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db


def _shown(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _panel(authorisation) -> str:
    panel = {"tpa_authorisations": [authorisation], "tpa_revocable": {authorisation.pk}}
    return render_to_string("authorisations/panel.html", {"panel": panel})


def test_the_panel_shows_when_a_revoked_authorisation_ended_not_its_planned_end(customer1):
    authorisation = authorise(customer1, days=180)
    services.authorisation_revoke(
        actor=actor_for_user(customer1), authorisation_id=authorisation.pk,
        channel="internet_banking", subject=authorisation.subject,
    )
    authorisation.refresh_from_db()

    with translation.override("en"), timezone.override("Asia/Ho_Chi_Minh"):
        html = _panel(authorisation)
        ended, planned = _shown(authorisation.ended_at), _shown(authorisation.expires_at)

    assert f"ended {ended}" in html
    assert planned not in html


def test_the_panel_shows_the_planned_end_of_a_live_authorisation(customer1):
    authorisation = authorise(customer1, days=180)

    with translation.override("en"), timezone.override("Asia/Ho_Chi_Minh"):
        html = _panel(authorisation)
        planned = _shown(authorisation.expires_at)

    assert planned in html
