"""A recipient's own integration client reads its duties through the API, and with them how each was
closed. Where the bank's staff recorded the confirmation (a phone call, a letter), the client reads that
staff recorded it, when, and its own reference, but not which staff member recorded it nor their free
text: that is the bank's working note, not the recipient's to read. Staff read both."""

from __future__ import annotations

import pytest

from consents import services
from tests.consents.factories import STAFF, withdrawn_with_a_hooked_partner

pytestmark = pytest.mark.django_db

NOTE = "Rang Ms Lan at the partner; she was reluctant, escalate if late again"


@pytest.fixture
def confirmed_by_staff():
    duty = withdrawn_with_a_hooked_partner("Partner Insurance", "share-p")
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note=NOTE, reference="LTR-0312")
    return duty


def _row(api, duty):
    answer = api.get("/api/v1/withdrawal-duties/", {"status": "acknowledged"})
    assert answer.status_code == 200, answer.content
    return next(row for row in answer.json()["results"] if row["id"] == str(duty.pk))


def test_the_recipient_s_client_does_not_read_the_staff_member_nor_their_note(as_user, confirmed_by_staff):
    row = _row(as_user(confirmed_by_staff.recipient.client), confirmed_by_staff)

    assert row["confirmed_through"] == "staff" and row["acknowledged_at"]
    assert row["acknowledgement_reference"] == "LTR-0312"
    assert (row["acknowledged_by_label"], row["acknowledgement_note"]) == ("staff", "")
    assert "officer_t" not in str(row) and "Ms Lan" not in str(row)


def test_staff_read_who_recorded_it_and_the_note(as_user, dpo, confirmed_by_staff):
    row = _row(as_user(dpo), confirmed_by_staff)

    assert (row["acknowledged_by_label"], row["acknowledgement_note"]) == ("officer_t", NOTE)


def test_the_client_reads_its_own_confirmation(as_user):
    duty = withdrawn_with_a_hooked_partner("Partner Cards", "share-q")
    client = as_user(duty.recipient.client)
    assert client.post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {"note": "stopped in CRM"},
                       format="json").status_code == 200

    row = _row(client, duty)

    assert row["confirmed_through"] == "recipient_api" and row["acknowledgement_note"] == "stopped in CRM"
    assert row["acknowledged_by_label"]
