"""The proof of a withdrawal keeps when each recipient stopped: the staff receipt lists the recipients'
acknowledgements (who, when, the note, late or not), the customer's copy when each stopped, and the
withdrawal notices page keeps acknowledged duties (filter by status and by customer number)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import WithdrawalDuty
from consents.receipts import consent_receipt, recipient_stops
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _withdrawn_with_ack(subject, *, partners=("Doi tac Bao hiem",), code="sharing"):
    recipients = [make_recipient(name) for name in partners]
    purpose = make_purpose(code, category="sharing", recipients=recipients)
    consent = grant(subject, purpose, evidence="FORM-SCAN-7781")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    duty = WithdrawalDuty.objects.filter(consent=consent).order_by("recipient__name").first()
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="stopped by partner")
    duty.refresh_from_db()
    consent.refresh_from_db()
    return consent, duty


def test_receipt_page_shows_when_each_recipient_stopped_the_file_stays_frozen(logged_in, dpo, subject):
    """The page shows each recipient's acknowledgement beside the receipt; the receipt document itself
    stays the same bytes whatever changes later (contract: `consents/{id}/receipt/`)."""
    purpose = make_purpose("sharing", category="sharing", recipients=[make_recipient("Doi tac Bao hiem")])
    consent = grant(subject, purpose, evidence="FORM-SCAN-7781")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    client = logged_in(dpo)
    url = reverse("consents:staff_receipt", args=[consent.pk])
    before = client.get(url, {"format": "json"}).content

    services.duty_acknowledge(actor=STAFF, duty_id=WithdrawalDuty.objects.get(consent=consent).pk,
                              note="stopped by partner")

    assert client.get(url, {"format": "json"}).content == before
    page = client.get(url).content.decode()
    assert 'data-testid="receipt-recipient-stops"' in page
    assert "Doi tac Bao hiem" in page and "stopped by partner" in page


def test_portal_withdrawal_duties_page_keeps_acknowledged_duties(logged_in, dpo, subject):
    _, duty = _withdrawn_with_ack(subject)
    page = logged_in(dpo).get(reverse("consents:duty_list")).content.decode()
    assert "stopped by partner" in page or str(duty.pk) in page, "acknowledged duty vanished from the portal"


def test_recipient_stops_say_who_when_and_late(subject):
    consent, duty = _withdrawn_with_ack(subject, partners=("Alpha Insurer", "Beta Bank"))
    stops = recipient_stops(consent)
    assert [s["recipient"] for s in stops] == ["Alpha Insurer", "Beta Bank"]
    acked, still_open = stops
    assert acked["acknowledged_at"] == duty.acknowledged_at
    assert (acked["acknowledged_by"], acked["note"], acked["late"]) == (duty.acknowledged_by_label,
                                                                        "stopped by partner", False)
    assert still_open["acknowledged_at"] is None and still_open["late"] is False
    # Past its due time the open duty is late.
    WithdrawalDuty.objects.filter(consent=consent, status="open").update(
        due_at=timezone.now() - timedelta(hours=1))
    assert recipient_stops(consent)[1]["late"] is True


def test_customer_copy_shows_when_each_stopped_but_not_who_or_the_note(subject):
    consent, duty = _withdrawn_with_ack(subject)
    (stop,) = recipient_stops(consent, for_customer=True)
    assert stop["recipient"] == "Doi tac Bao hiem" and stop["acknowledged_at"]
    assert stop["acknowledged_by"] is None and stop["note"] is None


def test_every_receipt_stays_the_same_bytes_after_acknowledgements(subject):
    purpose = make_purpose("sharing", category="sharing", recipients=[make_recipient("Gamma")])
    consent = grant(subject, purpose)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    consent.refresh_from_db()
    latest = consent_receipt(consent)
    at_withdrawal = consent_receipt(consent, event_id=latest["receipt_id"])
    services.duty_acknowledge(actor=STAFF, duty_id=WithdrawalDuty.objects.get(consent=consent).pk, note="ok")
    assert consent_receipt(consent, event_id=latest["receipt_id"]) == at_withdrawal
    assert consent_receipt(consent) == latest
    assert recipient_stops(consent)[0]["acknowledged_at"]


def test_receipt_query_count_does_not_grow_with_recipients(logged_in, dpo):
    def queries(subject, partners, code):
        consent, _ = _withdrawn_with_ack(subject, partners=partners, code=code)
        client = logged_in(dpo)
        url = reverse("consents:staff_receipt", args=[consent.pk])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = queries(make_subject(), ("P1",), "share-one")
    three = queries(make_subject(), ("Q1", "Q2", "Q3"), "share-three")
    assert one == three


def test_duty_page_filters_by_status_and_customer(logged_in, dpo, subject):
    _, acked = _withdrawn_with_ack(subject)
    other = make_subject()
    other_purpose = make_purpose("share-other", category="sharing", recipients=[make_recipient("Open Co")])
    other_consent = grant(other, other_purpose)
    services.consent_withdraw(actor=STAFF, consent_id=other_consent.pk, channel="branch")
    client = logged_in(dpo)
    url = reverse("consents:duty_list")

    def table(testid="duty-table", **params):
        page = client.get(url, params).content.decode()
        if f'data-testid="{testid}"' not in page:
            return ""
        section = page[page.index(f'data-testid="{testid}"'):]
        return section[: section.index("</table>")]

    default = table()
    assert "Open Co" in default and "Doi tac Bao hiem" not in default
    # The open queue keeps the latest acknowledgements in view under it.
    recent = table("duty-table-acknowledged")
    assert "Doi tac Bao hiem" in recent and "stopped by partner" in recent and "Open Co" not in recent
    done = table(status="acknowledged")
    assert "Doi tac Bao hiem" in done and "stopped by partner" in done and "Open Co" not in done
    assert acked.acknowledged_by_label in done
    assert table("duty-table-acknowledged", status="acknowledged") == ""
    every = table(status="all")
    assert "Doi tac Bao hiem" in every and "Open Co" in every
    mine = table(status="all", subject=subject.external_ref)
    assert "Doi tac Bao hiem" in mine and "Open Co" not in mine
    assert "Open Co" not in table("duty-table-acknowledged", subject=other.external_ref)
    assert "Doi tac Bao hiem" not in table("duty-table-acknowledged", subject=other.external_ref)


def test_duty_page_refuses_an_unknown_status(logged_in, dpo):
    response = logged_in(dpo).get(reverse("consents:duty_list"), {"status": "closed"})
    assert response.status_code == 400
    assert "Unknown status" in response.content.decode()


def test_duty_api_filters_by_customer(as_user, officer, subject):
    _withdrawn_with_ack(subject)
    other = make_subject()
    consent = grant(other, make_purpose("share-x", category="sharing", recipients=[make_recipient("X")]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    api = as_user(officer)
    mine = api.get("/api/v1/withdrawal-duties/", {"subject": subject.external_ref}).json()["results"]
    everyone = api.get("/api/v1/withdrawal-duties/").json()["results"]
    assert (len(mine), len(everyone)) == (1, 2)
