"""A "no" on a consent form staff record withdraws the customer's consent in force (`_withdraw_on_form`):
a withdrawal, whose audit entry says who asked for it as the withdrawal form's does. A son answering
"no" for his mother on his power of attorney is not the customer."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import ConsentStatus
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def test_a_no_on_the_form_that_withdraws_keeps_who_asked_and_on_whose_authority(officer):
    consent = grant(make_subject(), make_purpose("marketing", category="marketing"))
    body = {
        "answer_marketing": "no", "version_marketing": "v1", "channel": "branch", "evidence": "form 12",
        "answered_by": "representative", "authority": "POA 0457/2026 notarised", "notice_given": "read_out",
    }
    page = signed_in(officer).post(f"/en/portal/customers/{consent.subject_id}/consents/new/", body)
    assert page.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    entry = AuditEntry.objects.filter(action="consents.consent.withdrawn").latest("sequence")
    assert entry.data["asked_by"] == "representative"
    assert entry.data["authority"] == "POA 0457/2026 notarised"
