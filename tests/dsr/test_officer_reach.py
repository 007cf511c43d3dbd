"""A front-line officer works only the requests they took in or are assigned, and downloads a
customer's data only when assigned (pen test, finding 8); `?format=` picks the export's format
(finding 11). Privacy officers and the DPO keep the whole queue."""
from __future__ import annotations

import pytest
from django.urls import reverse

from core.actors import actor_for_user
from dsr import services
from tests.dsr.factories import STAFF, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(subject):
    """A copy request someone else took in and answered, with its data export."""
    request = verified_request(subject, type="copy")
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def test_officer_cannot_act_on_someone_elses_request_through_the_api(as_user, officer, subject):
    request = verified_request(subject, type="complaint")
    client = as_user(officer)

    refused = client.post(f"/api/v1/requests/{request.pk}/reject/",
                          {"reason": "manifestly_unfounded", "note": "x"}, format="json")
    assert refused.status_code == 403
    assert client.post(f"/api/v1/requests/{request.pk}/assign/", {"assignee": officer.pk},
                       format="json").status_code == 403
    assert client.get(f"/api/v1/requests/{request.pk}/").status_code == 200  # reading stays open


def test_officer_acts_on_a_request_assigned_to_them_or_taken_in_by_them(
    as_user, officer, privacy_officer, subject
):
    request = verified_request(subject, type="complaint")
    services.request_assign(actor=actor_for_user(privacy_officer), request_id=request.pk, assignee=officer)
    client = as_user(officer)
    assert client.post(f"/api/v1/requests/{request.pk}/transition/",
                       {"status": "awaiting_customer", "note": "need ID"}, format="json").status_code == 200
    own = client.post("/api/v1/requests/", {"subject": subject.external_ref, "type": "access",
                                            "channel": "branch"}, format="json").json()
    assert client.post(f"/api/v1/requests/{own['id']}/acknowledge/").status_code == 200


def test_privacy_officer_keeps_the_whole_queue(as_user, privacy_officer, subject):
    request = verified_request(subject, type="complaint")
    response = as_user(privacy_officer).post(
        f"/api/v1/requests/{request.pk}/reject/", {"reason": "manifestly_unfounded", "note": "x"},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_officer_downloads_an_export_only_when_assigned(as_user, officer, privacy_officer, subject, answered):
    client = as_user(officer)
    assert client.get(f"/api/v1/requests/{answered.pk}/export/").status_code == 403
    assigned = verified_request(subject, type="access")
    services.request_assign(actor=actor_for_user(privacy_officer), request_id=assigned.pk, assignee=officer)
    services.request_complete(actor=STAFF, request_id=assigned.pk)
    assert client.get(f"/api/v1/requests/{assigned.pk}/export/").status_code == 200


def test_officer_pages_refuse_work_and_downloads_out_of_reach(client, officer, subject, answered):
    request = verified_request(subject, type="complaint")
    client.force_login(officer)

    client.post(reverse("dsr:act", args=[request.pk, "reject"]),
                {"reason": "manifestly_unfounded", "note": "x"})
    request.refresh_from_db()
    assert request.status != "rejected"
    page = client.get(reverse("dsr:detail", args=[answered.pk]))
    assert page.context["can_work"] is False and page.context["export"] is None
    download = client.get(reverse("dsr:staff_export", args=[answered.pk, "json"]))
    assert download.status_code == 403


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("json", "application/json"), ("html", "text/html"), ("csv", "text/csv"),
])
def test_export_format_is_chosen_by_the_query(as_user, privacy_officer, answered, fmt, content_type):
    response = as_user(privacy_officer).get(f"/api/v1/requests/{answered.pk}/export/", {"format": fmt})
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith(content_type)
    assert "no-store" in response["Cache-Control"]  # personal data: no browser or proxy keeps it


def test_unknown_export_format_is_a_json_400(as_user, privacy_officer, answered):
    response = as_user(privacy_officer).get(f"/api/v1/requests/{answered.pk}/export/", {"format": "xml"})
    assert response.status_code == 400 and response.json()["format"][0]
