"""A complaint names the request whose answer it challenges (`DataSubjectRequest.challenges`, shown to
staff on its page), but the API's request output left it out: a client reading the complaint could not
tell which answer it is about. It is an optional read-only field: the challenged request's id, null when
none; the contract's fields are unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsr import services
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _complaint_about_a_refusal():
    customer = make_subject()
    request = verified_request(customer, type="delete")
    refused = services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Yêu cầu lặp lại",
        now=MONDAY + timedelta(days=1),
    )
    complaint = services.request_create(
        actor=STAFF, subject=customer, type="complaint", channel="branch", details="Về câu trả lời",
        challenges=refused,
    )
    return refused, complaint


def test_the_api_names_the_request_a_complaint_challenges(as_user, privacy_officer):
    refused, complaint = _complaint_about_a_refusal()
    api = as_user(privacy_officer)

    detail = api.get(f"/api/v1/requests/{complaint.pk}/").json()
    listed = {row["id"]: row for row in api.get("/api/v1/requests/").json()["results"]}

    assert detail["challenges"] == str(refused.pk)
    assert listed[str(complaint.pk)]["challenges"] == str(refused.pk)
    assert listed[str(refused.pk)]["challenges"] is None
    assert api.get(f"/api/v1/requests/{refused.pk}/").json()["challenges"] is None


def test_the_schema_documents_challenges_as_read_only_and_nullable(api):
    schemas = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("RequestOutput", "RequestDetail"):
        field = schemas[name]["properties"]["challenges"]
        assert field.get("nullable") is True and field.get("readOnly") is True, (name, field)
        assert "complaint" in field.get("description", ""), (name, field)
