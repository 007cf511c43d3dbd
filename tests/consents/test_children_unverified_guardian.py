"""A guardian acts for a ward only once the bank has verified their authority (docs/consents.md:
"A guardian's authority is verified with a document before they act"), also for a ward whose date of
birth the bank does not hold (who is not assumed adult)."""

from __future__ import annotations

import pytest

from consents.models import Consent
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_an_unverified_guardian_cannot_consent_for_a_ward_of_unknown_age(as_user, officer):
    make_purpose("group-sharing", category="sharing")
    parent = make_subject()
    ward = make_subject(guardian=parent, date_of_birth=None, national_id="", phone="", email="")

    answer = as_user(officer).post("/api/v1/consents/", {
        "subject": ward.external_ref, "purpose": "group-sharing", "notice_version": "v1",
        "channel": "branch", "evidence": "form-2026-001", "guardian": parent.external_ref,
    }, format="json")

    assert answer.status_code == 409 and answer.json().get("code") == "guardian_unverified", answer.json()
    assert not Consent.objects.filter(subject=ward).exists()
