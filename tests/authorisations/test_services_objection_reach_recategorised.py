"""An objection reaches third-party access as its purpose stood when it came into force: the DPO
re-categorising the purpose afterwards (a narrowing, in force at once) neither lets a new authorisation
through nor resumes one the objection holds paused (`states.restrictions_reaching_disclosure`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from authorisations import services
from consents import services as consent_services
from tests.authorisations.factories import DPO, authorise, grant_refused, objection_in_force, register
from tests.consents.factories import SYSTEM, grant, make_purpose

pytestmark = pytest.mark.django_db


def _objection_to_sharing_then_recategorised(customer):
    subject = customer.customer_account.subject
    now = timezone.now()
    partners = make_purpose("partners", category="sharing", effective_at=now - timedelta(days=60))
    grant(subject, partners, now=now - timedelta(days=1))
    held = register()
    paused = authorise(customer, registration=held)
    services.third_party_suspend(actor=DPO, third_party_id=held.third_party.pk, reason="audit")
    objection_in_force(subject, purposes=["partners"])
    consent_services.purpose_update(
        actor=SYSTEM, code="partners", changes={"category": "support"}, now=timezone.now()
    )
    return held, paused


def test_an_objection_to_a_purpose_recategorised_since_still_refuses_a_new_authorisation(customer1):
    _objection_to_sharing_then_recategorised(customer1)

    refused = grant_refused(customer1, register())

    assert refused.code == "objection_in_force"


def test_an_objection_to_a_purpose_recategorised_since_still_holds_a_paused_authorisation(customer1):
    held, paused = _objection_to_sharing_then_recategorised(customer1)

    services.third_party_reactivate(actor=DPO, third_party_id=held.third_party.pk)

    paused.refresh_from_db()
    assert (paused.status, paused.pause_reason) == ("paused", "dsr")
