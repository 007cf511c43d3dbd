"""The proof bundle lists, under each purpose, the recipients a restriction or objection told to stop
and those an erasure told to delete, each with its own caption, beside the consents' stops."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from consents.models import WithdrawalDuty
from core.actors import Actor
from regulator.proof_bundle import proof_bundle
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, verified_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DPO = Actor(kind="staff", user_id=None, label="dpo_t")


def test_a_restrictions_stop_is_listed_under_its_purpose(subject):
    partner = make_recipient(
        "Partner Insurance", client=UserFactory(role="integration_client"), url="https://partner.example/h"
    )
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[partner], effective_at=MONDAY - timedelta(days=30)
    )
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    verified_request(subject, type="object", purposes=["partner-sharing"])
    duty = WithdrawalDuty.objects.get(kind=WithdrawalDuty.Kind.RESTRICTION)

    bundle = proof_bundle(subject, generated_by=DPO, role="dpo", now=MONDAY + timedelta(days=1))

    (section,) = [p for p in bundle["consents"] if p["purpose"]["code"] == "partner-sharing"]
    (notice,) = section["restriction_notices"]
    assert (notice["recipient"], notice["result"]) == ("Partner Insurance", "open")
    assert section["erasure_notices"] == []
    # The consent's own events list no stop: the consent is still in force.
    assert all(not event.get("recipient_stops") for event in section["events"])
    assert duty.consent.status == "granted"
    page = render_to_string("regulator/proof_bundle.html", {"bundle": bundle})
    assert 'data-testid="restriction-notices"' in page
