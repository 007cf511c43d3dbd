"""A correction never empties a field by an empty box: a field the record must hold (name, citizen ID,
date of birth, address) is refused blank; a wrong e-mail, phone or passport number may be removed, but
only when that is said explicitly (`null` in the API, "remove" on the forms), never by a blank value."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest
from subjects.models import DataSubject
from tests.dsr.factories import STAFF, make_inventory, make_request, verified_request

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["email", "phone", "passport_number"])
def test_a_blank_value_does_not_remove_a_contact_detail(subject, field):
    with pytest.raises(InvalidInput) as error:
        make_request(subject, type="rectify", corrections={field: "  "})
    assert error.value.field == "corrections"
    with translation.override("en"):
        assert "remove" in error.value.text
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.parametrize("field", ["full_name", "national_id", "date_of_birth", "address"])
@pytest.mark.parametrize("value", ["", None])
def test_a_field_the_record_must_hold_cannot_be_emptied(subject, field, value):
    with pytest.raises(InvalidInput) as error:
        make_request(subject, type="rectify", corrections={field: value})
    assert error.value.field == "corrections"
    with translation.override("en"):
        assert "give the correct value" in error.value.text
    assert not DataSubjectRequest.objects.exists()


def test_a_wrong_email_removed_explicitly_is_removed_at_the_answer(subject):
    make_inventory()
    assert subject.email
    request = verified_request(subject, type="rectify", corrections={"email": None})
    for task in request.tasks.all():
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=request.pk)
    assert DataSubject.objects.get(pk=subject.pk).email == ""


def test_the_api_takes_null_as_remove_and_refuses_a_blank(as_user, privacy_officer, subject):
    client = as_user(privacy_officer)
    body = {"subject": subject.external_ref, "type": "rectify", "channel": "branch"}

    blank = client.post("/api/v1/requests/", {**body, "corrections": {"email": ""}}, format="json")
    assert blank.status_code == 400, blank.content
    assert "corrections" in blank.json()

    removed = client.post("/api/v1/requests/", {**body, "corrections": {"email": None}}, format="json")
    assert removed.status_code == 201, removed.content
    assert json.loads(DataSubjectRequest.objects.get().corrections) == {"email": ""}


def test_the_customer_says_remove_rather_than_leaving_the_box_empty(logged_in, customer_a):
    client = logged_in(customer_a)
    both = client.post(
        reverse("dsr:me_new"), {"type": "rectify", "new_email": "dung@example.vn", "remove_email": "on"}
    )
    assert both.status_code == 200
    assert not DataSubjectRequest.objects.exists()

    client.post(reverse("dsr:me_new"), {"type": "rectify", "remove_email": "on"})
    assert json.loads(DataSubjectRequest.objects.get().corrections) == {"email": ""}
