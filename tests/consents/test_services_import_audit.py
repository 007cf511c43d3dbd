"""CSV import: each imported consent leaves the audit entry a consent given on a page leaves, naming the
customer and the consent, so the customer's proof bundle shows it was given."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from consents.models import Consent, ConsentEvent
from tests.consents.factories import grant, import_csv, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_each_imported_consent_has_its_granted_entry_like_a_page_grant():
    purpose = make_purpose("marketing", category="marketing")
    customers = [make_subject() for _ in range(3)]
    day = timezone.localdate() - timedelta(days=2)
    rows = "".join(f"{s.external_ref},marketing,v1,paper_form,SCAN-{i},{day.isoformat()}\n"
                   for i, s in enumerate(customers))
    run = import_csv(f"subject,purpose,notice_version,channel,evidence,granted_at\n{rows}")
    assert run.imported == 3
    for subject in customers:
        consent = Consent.objects.get(subject=subject)
        event = ConsentEvent.objects.get(consent=consent, kind=ConsentEvent.Kind.GRANTED)
        entry = AuditEntry.objects.get(action="consents.consent.granted", subject_id=subject.pk)
        assert (entry.target_type, entry.target_id) == ("consents.consent", str(consent.pk))
        assert entry.data["event"] == str(event.pk)
        assert entry.data["source"] == f"import:{run.pk}"
        assert entry.data["purpose"] == "marketing"
        assert entry.data["notice_version"] == "v1"
        assert entry.data["channel"] == "paper_form"
        assert datetime.fromisoformat(entry.data["answered_at"]) == consent.granted_at
    # The same keys as a grant recorded on a page, plus where and when the answer was given.
    on_page = grant(make_subject(), purpose, channel="branch")
    page = AuditEntry.objects.get(action="consents.consent.granted", subject_id=on_page.subject_id)
    assert set(page.data) | {"source", "answered_at"} == set(entry.data)
    assert audit_chain_verify().valid
