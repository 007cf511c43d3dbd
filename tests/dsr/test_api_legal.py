"""The API of the legal rules: answer_by, approval (409 approval_required), task instructions, the
purposes a restriction leaves alone, and the end of the relationship on PATCH subjects/{id}/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.actors import actor_for_user
from dsr.models import FulfilmentTask
from tests.consents.factories import make_purpose
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


def test_a_new_request_answers_with_the_binding_date(as_user, privacy_officer, subject):
    response = as_user(privacy_officer).post(
        "/api/v1/requests/", {"subject": subject.external_ref, "type": "complaint", "channel": "branch"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["answer_by"] == body["statutory_due_at"]
    assert body["answer_by"] < body["due_at"]


def test_approval_and_completion_need_two_people(as_user, privacy_officer, dpo, subject):
    make_inventory()
    request = verified_request(subject, type="delete", actor=actor_for_user(privacy_officer))
    for task in FulfilmentTask.objects.filter(request=request):
        assert {i["action"] for i in task.instructions} <= {"erase", "hold"}
    tasks = as_user(privacy_officer).get("/api/v1/request-tasks/").json()
    listed = tasks["results"] if isinstance(tasks, dict) else tasks
    assert all("instructions" in row for row in listed)
    for task in FulfilmentTask.objects.filter(request=request):
        as_user(privacy_officer).post(
            f"/api/v1/request-tasks/{task.pk}/complete/", {"note": "erased"}, format="json"
        )

    approver = as_user(dpo)
    assert approver.post(f"/api/v1/requests/{request.pk}/approve/").status_code == 200
    refused = approver.post(f"/api/v1/requests/{request.pk}/complete/", {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "approval_required"
    done = as_user(privacy_officer).post(f"/api/v1/requests/{request.pk}/complete/", {}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "partially_completed"


def test_a_blanket_objection_lists_what_goes_on(as_user, privacy_officer, subject):
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    make_purpose("marketing-offers", category="marketing")
    request = verified_request(subject, type="object")
    body = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert [row["purpose"] for row in body["not_covered"]] == ["kyc"]


def test_staff_set_the_end_of_the_relationship(as_user, privacy_officer, subject):
    client = as_user(privacy_officer)
    response = client.patch(
        f"/api/v1/subjects/{subject.pk}/", {"relationship_ended_on": "2026-01-31"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["relationship_ended_on"] == "2026-01-31"
    future = client.patch(
        f"/api/v1/subjects/{subject.pk}/", {"relationship_ended_on": "2999-01-01"}, format="json"
    )
    assert future.status_code == 400


def test_the_customer_page_records_the_end_of_the_relationship(client, privacy_officer, subject):
    client.force_login(privacy_officer)
    page = client.get(reverse("subjects:customer_detail", args=[subject.pk])).content.decode()
    assert 'data-testid="save-relationship-end"' in page
    client.post(
        reverse("subjects:customer_relationship_end", args=[subject.pk]),
        {"relationship_ended_on": "2026-02-01"},
    )
    subject.refresh_from_db()
    assert str(subject.relationship_ended_on) == "2026-02-01"
