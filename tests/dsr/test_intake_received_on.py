"""The intake page and the API take the day (the moment) the bank received a request earlier than it is
typed in: both clocks start then. Only staff say so; customers and integration clients file as they
send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines.policy import LOCAL_TZ, local_midnight
from dsr.models import DataSubjectRequest
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
URL = "/en/portal/requests/new/"


def today():
    return timezone.localdate(timezone.now(), LOCAL_TZ)


def post_intake(client, subject, **fields):
    form = {**hidden_fields(client.get(URL).content), "subject_ref": subject.external_ref, "type": "access",
            "channel": "paper_form", **fields}
    return client.post(URL, form)


def test_the_page_offers_the_day_of_receipt_today_by_default(officer):
    page = signed_in(officer).get(URL).content.decode()
    assert 'name="received_on"' in page
    assert f'value="{today().isoformat()}"' in page
    assert "if earlier than today" in page
    vietnamese = signed_in(officer).get("/portal/requests/new/").content.decode()
    assert "Ngày ngân hàng nhận được phiếu" in vietnamese


def test_a_form_received_three_days_ago_has_its_clocks_from_that_day(officer):
    subject = make_subject()
    day = today() - timedelta(days=3)
    response = post_intake(signed_in(officer), subject, received_on=day.isoformat())
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get(subject=subject)
    assert request.received_at == local_midnight(day)
    assert request.due_at == local_midnight(day) + timedelta(hours=72)


def test_today_means_when_it_is_saved(officer):
    subject = make_subject()
    before = timezone.now()
    post_intake(signed_in(officer), subject, received_on=today().isoformat())
    assert DataSubjectRequest.objects.get(subject=subject).received_at >= before


def test_a_day_in_the_future_is_refused_on_the_field(officer):
    subject = make_subject()
    response = post_intake(signed_in(officer), subject, received_on=(today() + timedelta(days=1)).isoformat())
    assert response.status_code == 200
    assert "future" in str(response.context["form"].errors["received_on"])
    assert not DataSubjectRequest.objects.filter(subject=subject).exists()


def test_a_staff_token_gives_the_receipt_time(as_user, officer, subject):
    received = timezone.now() - timedelta(days=2)
    response = as_user(officer).post(
        "/api/v1/requests/",
        {"subject": subject.external_ref, "type": "access", "channel": "paper_form",
         "received_at": received.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    request = DataSubjectRequest.objects.get(pk=response.json()["id"])
    assert request.received_at == received
    assert request.due_at == received + timedelta(hours=72)


def test_customers_and_clients_file_as_they_send(as_user, customer_a, client_user, subject):
    received = (timezone.now() - timedelta(days=2)).isoformat()
    own = as_user(customer_a).post(
        "/api/v1/requests/", {"type": "access", "received_at": received}, format="json"
    )
    client = as_user(client_user, scopes=["requests:write", "requests:read"]).post(
        "/api/v1/requests/", {"subject": subject.external_ref, "type": "access", "received_at": received},
        format="json",
    )
    for response in (own, client):
        assert response.status_code == 400, response.json()
        assert "received_at" in response.json()
    assert not DataSubjectRequest.objects.exists()


def test_the_schema_documents_the_receipt_time(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    field = schema["components"]["schemas"]["RequestCreateRequest"]["properties"]["received_at"]
    assert field["format"] == "date-time"
    assert "staff" in field["description"].lower()
