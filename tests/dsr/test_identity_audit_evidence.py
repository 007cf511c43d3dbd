"""The audit trail alone answers an inspector's "how did you know it was the customer?": the entry that
records a verification names the evidence (the eKYC session's reference, the document type and its masked
number, where the original was seen) and whose identity was checked (the customer, or the guardian acting
for a child), not only the method. The request row is editable; the trail is the proof (Law 91, Decree
356: the controller verifies the requester). Identity-verification review."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from dsr import services
from dsr.models import IdentityMethod
from tests.consents.factories import child_of
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _entry() -> AuditEntry:
    return AuditEntry.objects.get(action="dsr.request.identity_verified")


def test_an_ekyc_verification_keeps_its_reference_in_the_audit_trail():
    request = make_request(make_subject(), channel="call_centre")
    services.request_verify_identity(
        actor=STAFF, request_id=request.pk, method=IdentityMethod.EKYC, reference="EKYC-2026-0042"
    )
    data = _entry().data
    assert data["reference"] == "EKYC-2026-0042"
    assert data["requester"] == "customer"


def test_a_document_verification_keeps_the_masked_number_and_where_it_was_seen():
    subject = make_subject()
    request = make_request(subject, channel="call_centre")
    services.request_verify_identity(
        actor=STAFF, request_id=request.pk, method=IdentityMethod.BRANCH_DOCUMENTS,
        document_number=subject.national_id, customer_present=True, seen_at_branch="Hoàn Kiếm, Lan",
    )
    data = _entry().data
    assert data["document_masked"] == "•" * 9 + subject.national_id[-3:]
    assert subject.national_id not in str(data)
    assert data["seen_at_branch"] == "Hoàn Kiếm, Lan"


def test_a_guardians_verification_says_it_was_the_guardian_who_was_checked():
    guardian = make_subject()
    child = child_of(guardian, age=5)
    request = services.request_create(
        actor=STAFF, subject=child, guardian=guardian, type="access", channel="branch"
    )
    services.request_verify_identity(
        actor=STAFF, request_id=request.pk, method=IdentityMethod.BRANCH_DOCUMENTS,
        document_number=guardian.national_id,
    )
    assert _entry().data["requester"] == "guardian"
