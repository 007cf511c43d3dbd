"""Hundreds of told customers may withdraw consents or ask for deletion within the hour: the breach page
shows the DPO what the customers told did since, linked to the breach: how many withdrew a consent, and
the requests they filed by type, how many are still open and the earliest deadline among those."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from consents import services as consent_services
from dsr import services as dsr_services
from regulator import services
from tests.consents.factories import grant, recorder
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db

TOLD_AT = MONDAY + timedelta(hours=2)


def _request(subject, type_: str, *, at):
    return dsr_services.request_create(
        actor=recorder("branch"), subject=subject, type=type_, channel="branch", now=at,
        on_repeat=dsr_services.Repeat.RECORD,
    )


def test_the_breach_page_shows_what_the_customers_told_did_since(
    client, dpo, django_capture_on_commit_callbacks
):
    make_inventory()
    purposes = make_catalogue()
    withdrew, asked_deletion, withdrew_before, quiet = (make_customer() for _ in range(4))
    long_ago = MONDAY - timedelta(days=30)
    consents = {s.pk: grant(s, purposes["marketing"], now=long_ago) for s in (withdrew, withdrew_before)}
    consent_services.consent_withdraw(
        actor=recorder("branch"), consent_id=consents[withdrew_before.pk].pk, channel="branch",
        now=MONDAY - timedelta(days=1),
    )
    breach = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk, now=TOLD_AT)
    consent_services.consent_withdraw(
        actor=recorder("branch"), consent_id=consents[withdrew.pk].pk, channel="branch",
        now=TOLD_AT + timedelta(minutes=20),
    )
    deletion = _request(asked_deletion, "delete", at=TOLD_AT + timedelta(minutes=30))
    _request(quiet, "access", at=MONDAY - timedelta(days=2))  # before the notice: not counted
    client.force_login(dpo)

    with translation.override("en"):
        page = client.get(reverse("regulator:breach_detail", args=[breach.pk]), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert 'data-testid="what-followed"' in body
    section = body.split('data-testid="what-followed"', 1)[1].split("</section>", 1)[0]
    assert "1 customer withdrew a consent" in section
    assert "Deletion" in section and "Access to personal data" not in section
    deletion.refresh_from_db()
    assert deletion.answer_by.astimezone(MONDAY.tzinfo).strftime("%d/%m/%Y") in section
