"""A member of staff who is also a customer is not offered, on their own request (or their ward's or
guardian's), the actions the services refuse them there (`subjects.staff_records.own_record_check`):
the request page and the API's allowed_actions offer what would succeed, not a 403 after the click."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from dsr.selectors import request_allowed_actions
from tests.consents.factories import child_of
from tests.dsr.factories import MONDAY, make_request, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

NOW = MONDAY + timedelta(hours=1)


@pytest.fixture
def own_record(privacy_officer):
    record = make_subject(external_ref="CIF7400001")
    call_command("link_staff_customer", privacy_officer.username, "CIF7400001", "--reason", "HR file 43")
    return record


def test_no_move_is_offered_on_their_own_or_their_childs_request(privacy_officer, own_record):
    strangers = make_request(make_subject(), type="complaint")
    offered_on_a_strangers = request_allowed_actions(strangers, privacy_officer, now=NOW)
    assert {"acknowledge", "verify", "reject", "cancel"} <= offered_on_a_strangers

    own = make_request(own_record, type="complaint")
    childs = make_request(child_of(own_record, age=10), type="complaint", guardian=own_record)
    for request in (own, childs):
        offered = request_allowed_actions(request, privacy_officer, now=NOW)
        assert not offered & {"acknowledge", "verify", "reject", "cancel", "pause"}, offered


def test_approval_of_their_own_deletion_is_not_offered(privacy_officer, own_record):
    own, stranger = (verified_request(record, type="delete") for record in (own_record, make_subject()))
    assert own.status == stranger.status == "in_progress"

    assert "approve" in request_allowed_actions(stranger, privacy_officer, now=NOW)
    assert "approve" not in request_allowed_actions(own, privacy_officer, now=NOW)


def test_the_api_offers_nothing_it_refuses_with_own_customer_record(as_user, privacy_officer, own_record):
    request = make_request(own_record, type="complaint")
    client = as_user(privacy_officer)

    offered = client.get(f"/api/v1/requests/{request.pk}/").json()["allowed_actions"]

    refused = client.post(f"/api/v1/requests/{request.pk}/acknowledge/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "own_customer_record", refused.content
    assert "acknowledge" not in offered
