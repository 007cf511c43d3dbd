"""A withdrawal staff record says who asked for it: the customer, or someone on her documented authority.

A son phoning the call centre to withdraw his elderly mother's consent is not the customer: the agent says
so, with the reference of his power of attorney, and the audit trail keeps who asked. Without one the
form refuses the representative, and nothing is withdrawn."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import ConsentStatus
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _post(officer, consent, **fields):
    body = {"channel": "call_centre", "evidence": "CALL-77", **fields}
    return signed_in(officer).post(f"/en/portal/consents/{consent.pk}/withdraw/", body)


def test_a_withdrawal_that_does_not_say_who_asked_is_refused(officer):
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    page = _post(officer, consent)
    assert page.status_code == 200 and "asked_by" in page.context["form"].errors
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def test_a_representative_without_an_authority_withdraws_nothing(officer):
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    page = _post(officer, consent, asked_by="representative")
    assert page.status_code == 200 and "authority" in page.context["form"].errors
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def test_the_audit_trail_keeps_who_asked_and_on_whose_authority(officer):
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    assert _post(officer, consent, asked_by="representative", authority="POA 12/2026").status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    entry = AuditEntry.objects.filter(action="consents.consent.withdrawn").latest("sequence")
    assert entry.data["asked_by"] == "representative" and entry.data["authority"] == "POA 12/2026"
