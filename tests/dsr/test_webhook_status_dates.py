"""The status webhook to the app that submitted a request carries the date the customer is told
(`answer_by`) and the law's (`statutory_due_at`), written as the REST answers write them (local time,
+07:00), not only the bank's `due_at`, which for a complaint comes after the law's."""

from __future__ import annotations

import json

import pytest

from core.moments import local_iso
from dsr import services
from dsr.models import DataSubjectRequest
from integrations.models import OutboxMessage
from tests.dsr.factories import STAFF
from tests.factories import make_webhook

TOPIC = "dsr.request.status_changed"
EXTENDED = "dsr.request.deadline_extended"


@pytest.mark.django_db
def test_a_complaint_s_status_webhook_quotes_the_binding_and_legal_dates(
    as_user, client_user, privacy_officer, subject
):
    make_webhook(client_user, events=[TOPIC])
    created = as_user(client_user).post(
        "/api/v1/requests/", {"subject": subject.external_ref, "type": "complaint"}, format="json"
    )
    assert created.status_code == 201, created.content
    shown = as_user(client_user).get(f"/api/v1/requests/{created.json()['id']}/").json()
    request = DataSubjectRequest.objects.get(pk=created.json()["id"])

    payload = json.loads(OutboxMessage.objects.filter(topic=TOPIC).order_by("-pk").first().payload)

    assert request.answer_by < request.due_at  # the case that matters: the bank's date is the later one
    assert payload["answer_by"] == shown["answer_by"]
    assert payload["statutory_due_at"] == shown["statutory_due_at"]
    assert payload["answer_by"].endswith("+07:00")


@pytest.mark.django_db
def test_the_submitting_app_hears_of_an_extension_with_the_new_dates(as_user, client_user, subject):
    make_webhook(client_user, events=[EXTENDED], name="extensions")
    make_webhook(client_user, events=[TOPIC], name="moves only")
    created = as_user(client_user).post(
        "/api/v1/requests/", {"subject": subject.external_ref, "type": "access"}, format="json"
    )
    request = DataSubjectRequest.objects.get(pk=created.json()["id"])
    before = request.statutory_due_at

    services.request_extend(actor=STAFF, request_id=request.pk, note="Cần tra cứu kho lưu trữ")

    (message,) = OutboxMessage.objects.filter(topic=EXTENDED)
    payload = json.loads(message.payload)
    shown = as_user(client_user).get(f"/api/v1/requests/{request.pk}/").json()
    assert (payload["request"], payload["type"]) == (str(request.pk), "access")
    assert payload["statutory_due_at"] == shown["statutory_due_at"] != local_iso(before)
    assert payload["answer_by"] == shown["answer_by"]
