"""Data minimisation (Law 91/2025) in what a recipient's client reads of its duties: when the bank's staff
record a recipient's confirmation by hand, the client reads that staff did (`confirmed_through`) and the
recipient's own reference, not the staff member's login nor their free-text note (who they phoned at
the partner, what was said). The bank's staff keep reading both."""
from __future__ import annotations

import pytest

from consents import services
from consents.models import WithdrawalDuty
from core.actors import actor_for_user
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
STAFF_NOTE = "Gọi chị Lan (phòng pháp chế đối tác) 0903 111 222, đã xác nhận dừng"


@pytest.fixture
def acknowledged(db, client_user, privacy_officer):
    insurer = make_recipient("Bảo hiểm Nhóm", client=client_user)
    consent = grant(make_subject(), make_purpose("sharing", category="sharing", recipients=[insurer]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    duty = WithdrawalDuty.objects.get(recipient=insurer)
    return services.duty_acknowledge(
        actor=actor_for_user(privacy_officer), duty_id=duty.pk, note=STAFF_NOTE, reference="CV-0412"
    )


def _row(api):
    return api.get("/api/v1/withdrawal-duties/", {"status": ""}).json()["results"][0]


def test_the_recipients_client_reads_no_staff_login_nor_note(as_user, client_user, acknowledged):
    row = _row(as_user(client_user, scopes=["consents:read"]))
    assert row["confirmed_through"] == "staff" and row["acknowledgement_reference"] == "CV-0412"
    assert row["acknowledged_by_label"] == "staff"
    assert row["acknowledgement_note"] == ""


def test_staff_read_them(as_user, dpo, privacy_officer, acknowledged):
    row = _row(as_user(dpo))
    assert row["acknowledged_by_label"] == privacy_officer.username
    assert row["acknowledgement_note"] == STAFF_NOTE
