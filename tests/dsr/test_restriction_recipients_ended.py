"""A restriction's stops when the request that caused them ends without the restriction taking effect
(refused, cancelled): nothing is to stop any more, so an open stop is called off in the same transaction,
audited, no longer counted on the DPO's clock or dashboards; a recipient already told to stop is told it
no longer applies (the lift's `consent.processing_resumed` notice)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from consents.clock_sources import open_duties
from consents.models import WithdrawalDuty
from consents.services import duty_acknowledge
from core.errors import Conflict
from dsr import services
from dsr.reports import deadline_report
from integrations.models import OutboxMessage
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import UserFactory
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db


def _restricted(subject, kind="restrict"):
    partner = make_recipient(
        "Bảo hiểm Đối tác", client=UserFactory(role="integration_client"), url="https://partner.example/h"
    )
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[partner], effective_at=MONDAY - timedelta(days=30)
    )
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    request = verified_request(subject, type=kind, purposes=["partner-sharing"])
    return partner, request, WithdrawalDuty.objects.get(recipient=partner)


def _refuse(request, at):
    services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Trùng", now=at
    )


def _cancel(request, at):
    services.request_cancel(actor=STAFF, request_id=request.pk, now=at)


@pytest.mark.parametrize("end", [_refuse, _cancel])
def test_an_open_stop_is_called_off_when_the_request_ends(subject, end):
    partner, request, duty = _restricted(subject)
    OutboxMessage.objects.filter(pk=duty.notice_message_id).update(
        status=OutboxMessage.Status.SENT, sent_at=MONDAY
    )
    WithdrawalDuty.objects.filter(pk=duty.pk).update(told_at=MONDAY)
    ended_at = MONDAY + timedelta(hours=2)

    end(request, ended_at)

    duty.refresh_from_db()
    assert duty.status == WithdrawalDuty.Status.CALLED_OFF
    assert duty.called_off_at == ended_at
    assert duty.status_changes.get().to_status == WithdrawalDuty.Status.CALLED_OFF
    entry = AuditEntry.objects.get(action="consents.duty.called_off", subject_id=subject.pk)
    assert entry.data["recipient"] == partner.pk
    # Told to stop, so told the stop no longer applies, by the lift's own notice.
    resumed = OutboxMessage.objects.filter(endpoint=partner.endpoint, topic="consent.processing_resumed")
    assert resumed.exists()


def test_a_called_off_stop_is_on_no_clock_nor_dashboard(subject):
    _partner, request, duty = _restricted(subject)
    _cancel(request, MONDAY + timedelta(hours=1))

    late = MONDAY + timedelta(days=10)
    assert deadline_report(now=late)["withdrawal_duties"]["open"] == 0
    assert deadline_report(now=late)["withdrawal_duties"]["overdue"] == 0
    assert not open_duties("due").filter(pk=duty.pk).exists()
    duty.refresh_from_db()
    assert duty.late(late) is False


def test_a_called_off_stop_cannot_be_acknowledged(subject):
    _partner, request, duty = _restricted(subject)
    _cancel(request, MONDAY + timedelta(hours=1))

    with pytest.raises(Conflict):
        duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Letter 12/2026", now=MONDAY + timedelta(hours=2))


def test_an_acknowledged_stop_stays_acknowledged_when_the_restriction_is_lifted(subject):
    _partner, request, duty = _restricted(subject)
    duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Letter 12/2026", now=MONDAY + timedelta(hours=1))

    _cancel(request, MONDAY + timedelta(hours=2))

    duty.refresh_from_db()
    assert duty.status == WithdrawalDuty.Status.ACKNOWLEDGED
    assert not AuditEntry.objects.filter(action="consents.duty.called_off").exists()


def test_the_requests_page_says_the_stop_was_called_off(client, subject, privacy_officer):
    _partner, request, _duty = _restricted(subject)
    _cancel(request, MONDAY + timedelta(hours=1))

    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert in_either_language("Called off", page)
    assert not in_either_language("overdue", page)
