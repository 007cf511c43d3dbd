"""At the branch, staff verify a child's guardian's authority on the child's customer page (the API was the
only way: a 15-year-old with a parent could not be served). The page calls the service the API calls, is
audited as it is, and is reached from the "not verified" badge and from the refusals of the consent form
and the request intake that the unverified authority causes."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from dsr.models import DataSubjectRequest
from subjects.models import DataSubject
from tests.consents.factories import child_of, make_purpose
from tests.factories import make_subject, signed_in
from tests.html_tree import ids, parse

pytestmark = pytest.mark.django_db


def _verify_url(child) -> str:
    return f"/en/portal/customers/{child.pk}/guardian-verification/"


@pytest.fixture
def teen():
    """A 15-year-old whose parent is registered as guardian, the authority not verified yet."""
    return child_of(make_subject(), age=15, verified=False)


def _links_to(page, url: str) -> bool:
    return any(a.get("href") == url for a in page.find_all("a"))


def test_the_not_verified_badge_leads_to_the_verification_page(officer, teen):
    page = parse(signed_in(officer).get(f"/en/portal/customers/{teen.pk}/").content)
    assert _links_to(page, _verify_url(teen))


def test_an_officer_records_the_document_seen_and_the_authority_is_verified(officer, teen):
    answer = signed_in(officer).post(
        _verify_url(teen), {"document": "birth_certificate", "evidence": "GKS 0456/2011"}
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/portal/customers/{teen.pk}/")
    teen = DataSubject.objects.get(pk=teen.pk)
    assert teen.guardian_verified_at is not None
    assert (teen.guardian_document, teen.guardian_evidence) == ("birth_certificate", "GKS 0456/2011")
    entry = AuditEntry.objects.get(action="core.subject.guardian_verified", subject_id=teen.pk)
    assert entry.actor_user_id == officer.pk
    assert entry.data["document"] == "birth_certificate"


def test_a_missing_reference_is_said_on_its_field(officer, teen):
    answer = signed_in(officer).post(_verify_url(teen), {"document": "court_decision", "evidence": "  "})
    assert answer.status_code == 200
    page = parse(answer.content)
    evidence = page.find("input", name="evidence")
    assert evidence.get("aria-invalid") == "true"
    assert "id_evidence_error" in evidence.get("aria-describedby").split()
    assert "Give the reference of the document" in ids(page)["id_evidence_error"].text()
    assert page.find("label", **{"for": evidence.get("id")}) is not None
    assert DataSubject.objects.get(pk=teen.pk).guardian_verified_at is None


def test_an_auditor_may_not_verify(auditor, teen):
    answer = signed_in(auditor).post(_verify_url(teen), {"document": "birth_certificate", "evidence": "X"})
    assert answer.status_code == 403
    assert DataSubject.objects.get(pk=teen.pk).guardian_verified_at is None


def test_the_consent_forms_refusal_leads_to_the_verification_page(officer, teen):
    make_purpose("svc-a", category="service")
    answer = signed_in(officer).post(
        f"/en/portal/customers/{teen.pk}/consents/new/",
        {
            "answer_svc-a": "yes",
            "version_svc-a": "v1",
            "child_agreed_svc-a": "on",
            "answered_by": "customer", "notice_given": "read_out", "channel": "branch",
            "evidence": "F-9",
            "guardian_ref": teen.guardian.external_ref,
            "child_evidence": "signed",
        },
    )
    assert answer.status_code == 200
    assert _links_to(parse(answer.content), _verify_url(teen))


def test_the_request_intakes_refusal_leads_to_the_verification_page(officer, teen):
    answer = signed_in(officer).post(
        "/en/portal/requests/new/",
        {
            "subject_ref": teen.external_ref,
            "type": "access",
            "channel": "branch",
            "guardian_ref": teen.guardian.external_ref,
        },
    )
    assert answer.status_code == 200
    assert not DataSubjectRequest.objects.exists()
    assert _links_to(parse(answer.content), _verify_url(teen))
