"""The API takes a representative on record as the staff pages do, with the same service check: a
withdrawal names one (`representative`, the record's id), a request names one by identity number
(`representative_id_number`); one revoked, out of scope or another customer's is refused (400), and a
customer acting for themself names none."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import ConsentStatus
from dsr.models import DataSubjectRequest
from tests.consents.factories import grant, make_purpose
from tests.factories import make_representative, make_subject

pytestmark = pytest.mark.django_db


def test_a_withdrawal_through_the_api_names_the_customers_representative_and_refuses_anothers(
    as_user, officer
):
    mother, stranger = make_subject(), make_subject()
    consent = grant(mother, make_purpose("marketing", category="marketing"))
    son, theirs = make_representative(mother), make_representative(stranger)
    api = as_user(officer, scopes=["consents:read", "consents:write"])
    url = f"/api/v1/consents/{consent.pk}/withdraw/"
    refused = api.post(url, {"channel": "branch", "representative": str(theirs.pk)}, format="json")
    assert refused.status_code == 400 and "representative" in str(refused.json())
    answer = api.post(url, {"channel": "branch", "representative": str(son.pk)}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == ConsentStatus.WITHDRAWN
    entry = AuditEntry.objects.filter(action="consents.consent.withdrawn", subject_id=mother.pk).get()
    assert (entry.data["asked_by"], entry.data["representative"]) == ("representative", str(son.pk))


def test_a_request_through_the_api_names_the_representative_by_identity_number(as_user, officer):
    mother = make_subject()
    son = make_representative(mother, scope="requests")
    api = as_user(officer, scopes=["requests:read", "requests:write"])
    body = {"subject": mother.external_ref, "type": "access", "channel": "branch"}
    refused = api.post("/api/v1/requests/", {**body, "representative_id_number": "079000000999"},
                       format="json")
    assert refused.status_code == 400 and "representative_id_number" in str(refused.json())
    answer = api.post("/api/v1/requests/", {**body, "representative_id_number": "001090000123"},
                      format="json")
    assert answer.status_code == 201, answer.json()
    assert DataSubjectRequest.objects.get(subject=mother).representative == son


def test_a_customer_acting_for_themself_names_no_representative(as_user, customer_a):
    mother = customer_a.customer_account.subject
    consent = grant(mother, make_purpose("marketing", category="marketing"))
    son = make_representative(mother, scope="both")
    api = as_user(customer_a)
    withdraw = api.post(f"/api/v1/consents/{consent.pk}/withdraw/",
                        {"channel": "mobile_app", "representative": str(son.pk)}, format="json")
    assert withdraw.status_code == 400 and "representative" in str(withdraw.json())
    request = api.post("/api/v1/requests/", {"type": "access", "representative_id_number": "001090000123"},
                       format="json")
    assert request.status_code == 400 and "representative_id_number" in str(request.json())
    assert not DataSubjectRequest.objects.filter(subject=mother).exists()
