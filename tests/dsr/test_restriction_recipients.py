"""A restriction or objection put in force reaches the recipients the customer's data was shared with
(Law 91/2025, Decree 356/2025: the bank makes its processors and third parties stop): each recipient of a
covered purpose gets a duty to stop and a signed notice, the request is answered once every one
confirmed, and lifting it tells them they may resume."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from consents.models import WithdrawalDuty
from consents.selectors import consent_check
from consents.services import duty_acknowledge
from core.errors import Conflict
from deadlines.policy import due_at_for
from dsr import services
from dsr.reports import deadline_report
from dsr.sources import request_source
from integrations.models import OutboxDedupeKey, OutboxMessage
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _partner(name="Bảo hiểm Đối tác", url="https://partner.example/hooks"):
    return make_recipient(name, client=UserFactory(role="integration_client"), url=url)


def _shared(subject, code="partner-sharing", partner=None):
    partner = partner or _partner()
    purpose = make_purpose(
        code, category="sharing", recipients=[partner], effective_at=MONDAY - timedelta(days=30)
    )
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    return partner


def _stops(partner):
    return WithdrawalDuty.objects.filter(recipient=partner, kind=WithdrawalDuty.Kind.RESTRICTION)


def _finish_tasks(request):
    for task in request.tasks.all():
        services.task_complete(actor=STAFF, task_id=task.pk, now=MONDAY + timedelta(hours=1))


@pytest.mark.parametrize("kind", ["object", "restrict"])
def test_the_partner_that_received_the_data_is_told_to_stop(subject, kind):
    partner = _shared(subject)
    request = verified_request(subject, type=kind, purposes=["partner-sharing"])

    assert consent_check(subject_ref=subject.external_ref, purpose_code="partner-sharing").allowed is False
    (duty,) = _stops(partner)
    assert (duty.status, duty.subject_id, duty.source) == ("open", subject.pk, request_source(request))
    assert duty.due_at == due_at_for(
        request_type=kind, received_at=duty.received_at, subject=subject, processor_involved=True
    )
    message = OutboxMessage.objects.get(pk=duty.notice_message_id)
    payload = json.loads(message.payload)
    assert message.topic == "consent.processing_restricted"
    assert payload["subject"] == subject.external_ref
    assert (payload["restriction"], payload["purposes"]) == (kind, ["partner-sharing"])
    assert datetime.fromisoformat(payload["stop_processing_by"]) == duty.due_at
    assert AuditEntry.objects.filter(
        action="consents.duty.restriction_opened", subject_id=subject.pk
    ).exists()
    # The recipients are a processor's or third party's: the law's longer period applies to the request.
    request.refresh_from_db()
    assert request.processor_involved is True


def test_a_recipient_of_a_purpose_the_objection_does_not_cover_is_not_told(subject):
    covered = _shared(subject)
    other = _shared(subject, code="other-sharing", partner=_partner("Other", "https://other.example/h"))
    verified_request(subject, type="object", purposes=["partner-sharing"])

    assert _stops(covered).count() == 1
    # It never received this customer's data for the purpose objected to: it is not told their number.
    assert not _stops(other).exists()
    assert not OutboxMessage.objects.filter(endpoint=other.endpoint, topic="consent.processing_restricted")


def test_the_completion_applying_it_again_tells_no_one_twice(subject):
    partner = _shared(subject)
    request = verified_request(subject, type="restrict", purposes=["partner-sharing"])
    duty = _stops(partner).get()
    duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="E-mail of 9 March", now=MONDAY + timedelta(hours=1))
    _finish_tasks(request)

    done = services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))

    assert done.status == "completed"
    assert _stops(partner).count() == 1


@pytest.mark.parametrize("kind", ["object", "restrict"])
def test_the_request_is_not_answered_while_a_partner_has_not_confirmed(subject, kind):
    partner = _shared(subject)
    request = verified_request(subject, type=kind, purposes=["partner-sharing"])
    _finish_tasks(request)

    with pytest.raises(Conflict) as refused:
        services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))

    assert refused.value.code == "recipients_open"
    assert partner.name in refused.value.text
    request.refresh_from_db()
    assert request.status != "completed"


def test_lifting_it_tells_the_partners_told_to_stop_that_they_may_resume(subject):
    partner = _shared(subject)
    untold = _partner("Untold", "https://untold.example/h")
    request = verified_request(subject, type="restrict", purposes=["partner-sharing"])
    duty = _stops(partner).get()
    duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Letter 12/2026", now=MONDAY + timedelta(hours=1))
    _finish_tasks(request)
    services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))

    services.request_restriction_lift(
        actor=STAFF, request_id=request.pk, reason="customer_asked", now=MONDAY + timedelta(days=3)
    )

    (resume,) = OutboxMessage.objects.filter(endpoint=partner.endpoint, topic="consent.processing_resumed")
    payload = json.loads(resume.payload)
    assert (payload["subject"], payload["restriction"], payload["purposes"]) == (
        subject.external_ref,
        "restrict",
        ["partner-sharing"],
    )
    assert payload["duty"] == str(duty.pk)
    assert not OutboxMessage.objects.filter(endpoint=untold.endpoint).exists()
    entry = AuditEntry.objects.get(action="consents.duty.resumption_sent", subject_id=subject.pk)
    assert entry.data["recipients"] == [partner.pk]


def test_the_deadline_report_counts_a_restrictions_stop_among_the_stops(subject):
    _shared(subject)
    verified_request(subject, type="object", purposes=["partner-sharing"])

    report = deadline_report(now=MONDAY + timedelta(hours=1))

    assert report["withdrawal_duties"]["open"] == 1


def _verified_before_recipients_were_told(subject, kind="object"):
    """A request verified on the release before this one: its restriction in force, nobody told."""
    partner = _shared(subject)
    request = verified_request(subject, type=kind, purposes=["partner-sharing"])
    WithdrawalDuty.objects.filter(recipient=partner).delete()
    OutboxMessage.objects.filter(endpoint=partner.endpoint).delete()
    OutboxDedupeKey.objects.all().delete()
    return partner, request


def test_a_request_verified_before_recipients_were_told_says_how_to_tell_them(subject):
    partner, request = _verified_before_recipients_were_told(subject)
    _finish_tasks(request)

    with pytest.raises(Conflict) as refused:
        services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=2))

    assert refused.value.code == "restriction_recipients_not_told"
    assert "tell_restriction_recipients" in refused.value.text
    assert not _stops(partner).exists()


def test_the_command_tells_the_recipients_of_every_restriction_in_force(subject):
    partner, request = _verified_before_recipients_were_told(subject)

    out = io.StringIO()
    call_command("tell_restriction_recipients", stdout=out)

    (duty,) = _stops(partner)
    assert duty.source == request_source(request)
    assert OutboxMessage.objects.filter(endpoint=partner.endpoint, topic="consent.processing_restricted")
    assert out.getvalue().startswith("1 ")
    call_command("tell_restriction_recipients", stdout=io.StringIO())
    assert _stops(partner).count() == 1


def test_a_lift_cancels_the_stop_notice_still_waiting(subject):
    """A stop notice still waiting (the partner's endpoint paused) would reach the partner after the resume
    notice and stop it again for a customer who lifted the restriction: the lift cancels it."""
    partner = _shared(subject)
    request = verified_request(subject, type="restrict", purposes=["partner-sharing"])
    duty = _stops(partner).get()
    OutboxMessage.objects.filter(pk=duty.notice_message_id).update(status=OutboxMessage.Status.PARKED)

    services.request_cancel(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))

    resumed = OutboxMessage.objects.filter(endpoint=partner.endpoint, topic="consent.processing_resumed")
    assert resumed.exists()
    assert OutboxMessage.objects.get(pk=duty.notice_message_id).status == OutboxMessage.Status.CANCELLED
    entry = AuditEntry.objects.get(action="consents.duty.resumption_sent")
    assert entry.data["stop_notices_cancelled"] == [str(duty.notice_message_id)]
