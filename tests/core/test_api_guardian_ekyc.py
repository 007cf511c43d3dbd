"""Staff record a verified guardian authority and an eKYC adult check through the API too."""

import pytest

from audit.models import AuditEntry
from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_staff_verify_a_guardians_authority_with_its_evidence(as_user, officer, client_user, customer_a):
    parent = make_subject()
    child = make_subject(guardian=parent, national_id="", phone="", email="")
    url = f"/api/v1/subjects/{child.pk}/verify-guardian/"
    assert as_user(officer).post(url, {}, format="json").status_code == 400
    assert as_user(client_user).post(url, {"evidence": "x"}, format="json").status_code == 403
    assert as_user(customer_a).post(url, {"evidence": "x"}, format="json").status_code == 403
    response = as_user(officer).post(url, {"evidence": "DMS-2026-000123 birth certificate"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["guardian_verified_at"]
    child.refresh_from_db()
    assert child.guardian_verified_at is not None
    entry = AuditEntry.objects.get(action="core.subject.guardian_verified")
    # The reference is the child's data: on their record, encrypted; the trail keeps its fingerprint.
    assert child.guardian_evidence == "DMS-2026-000123 birth certificate"
    assert "evidence" not in entry.data and entry.data["evidence_fingerprint"]
    no_guardian = as_user(officer).post(
        f"/api/v1/subjects/{parent.pk}/verify-guardian/", {"evidence": "DMS-1"}, format="json"
    )
    assert no_guardian.status_code == 409


def test_staff_record_an_ekyc_adult_check(as_user, officer):
    created = as_user(officer).post(
        "/api/v1/subjects/",
        {"external_ref": "CIF9100001", "full_name": "Lê Văn Tám", "adult_verified": True},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["adult_verified"] is True
    subject = make_subject(date_of_birth=None)
    patched = as_user(officer).patch(
        f"/api/v1/subjects/{subject.pk}/", {"adult_verified": True, "reason": "eKYC 2026-11"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["adult_verified"] is True
    assert DataSubject.objects.get(pk=subject.pk).adult_verified
