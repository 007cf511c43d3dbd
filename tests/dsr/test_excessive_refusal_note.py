"""A refusal as "manifestly unfounded or excessive" is a judgement on the customer: the note saying why
(the explanation the customer reads) is required, as for "other"; without it the API answers 400 on
`note` and nothing moves or is sent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dsr.models import DataSubjectRequest
from integrations.models import OutboxMessage
from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db


def _reject(as_user, user, request, **body):
    return as_user(user).post(
        f"/api/v1/requests/{request.pk}/reject/", {"reason": "manifestly_unfounded", **body}, format="json"
    )


def test_an_excessive_refusal_without_its_explanation_is_refused(as_user, privacy_officer, subject):
    request = make_request(subject, type="complaint", now=timezone.now())

    response = _reject(as_user, privacy_officer, request)

    assert response.status_code == 400, response.content
    assert "note" in response.content.decode()
    assert DataSubjectRequest.objects.get(pk=request.pk).status == request.status
    assert not OutboxMessage.objects.filter(topic="dsr.customer.rejected").exists()


def test_an_excessive_refusal_with_its_explanation_is_made(as_user, privacy_officer, subject):
    request = make_request(subject, type="complaint", now=timezone.now())

    response = _reject(as_user, privacy_officer, request, note="Yêu cầu lặp lại 5 yêu cầu trong tuần này.")

    assert response.status_code == 200, response.content
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "rejected"
