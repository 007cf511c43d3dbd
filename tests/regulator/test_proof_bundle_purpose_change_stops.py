"""The proof bundle lists, under the purpose, the recipients the bank told to stop when it removed them
from a purpose the customer consented to or retired the purpose (`consents.services.scope_stops`), with
their own caption: the regulator sees that they were told and when they confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from consents import services
from core.actors import Actor
from regulator.proof_bundle import proof_bundle
from tests.consents.factories import grant, make_purpose, make_recipient

pytestmark = pytest.mark.django_db

DPO = Actor(kind="staff", user_id=None, label="dpo_t")


def test_a_recipient_removed_from_a_consented_purpose_is_listed_under_it(subject):
    kept, removed = make_recipient("Kept Partner"), make_recipient("Removed Partner")
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[kept, removed],
        effective_at=timezone.now() - timedelta(days=30),
    )
    grant(subject, purpose, now=timezone.now() - timedelta(days=2))
    services.purpose_update(actor=DPO, code=purpose.code, changes={}, recipients=[kept])
    services.scope_stops_run_queued()

    bundle = proof_bundle(subject, generated_by=DPO, role="dpo", now=timezone.now() + timedelta(minutes=1))

    (section,) = [p for p in bundle["consents"] if p["purpose"]["code"] == "partner-sharing"]
    (notice,) = section["purpose_change_stops"]
    assert (notice["recipient"], notice["result"]) == ("Removed Partner", "open")
    page = render_to_string("regulator/proof_bundle.html", {"bundle": bundle})
    assert 'data-testid="purpose-change-stops"' in page
