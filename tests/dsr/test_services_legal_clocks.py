"""The law's clocks: no pause under Law 91, one timely extension, the date that binds, the
acknowledgement clock, processor involvement per request, and calendar changes after intake."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from core.errors import Conflict
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach, DeadlineReminder
from dsr import services
from dsr.models import RequestClockEvent, System
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF, end_of, make_request, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_printer():
    """A processor that deletion requests reach (and no other type)."""
    return System.objects.create(
        code="card_printer", name_vi="Card printing bureau", is_processor=True, request_types=["delete"]
    )


def test_waiting_for_the_customer_never_moves_the_statutory_deadline(subject):
    request = verified_request(subject, type="access")
    due, statutory = request.due_at, request.statutory_due_at
    services.request_transition(
        actor=STAFF, request_id=request.pk, to="awaiting_customer", note="CCCD",
        now=MONDAY + timedelta(hours=1),
    )
    resumed = services.request_transition(
        actor=STAFF, request_id=request.pk, to="in_progress", now=MONDAY + timedelta(days=20, hours=1)
    )
    # Law 91 / Decree 356 have an extension, not a pause; the bank's own row may pause.
    assert resumed.statutory_due_at == statutory == end_of(date(2026, 3, 19))
    assert resumed.due_at == due + timedelta(days=20)


def test_an_extension_after_the_statutory_deadline_is_refused(subject):
    request = make_request(subject, type="access")
    with pytest.raises(Conflict) as refused:
        services.request_extend(
            actor=STAFF, request_id=request.pk, note="Cần thêm thời gian",
            now=request.statutory_due_at + timedelta(minutes=1),
        )
    assert refused.value.code == "extension_too_late"
    request.refresh_from_db()
    assert request.extended_at is None


def test_a_second_extension_is_refused(subject):
    request = make_request(subject, type="access")
    services.request_extend(
        actor=STAFF, request_id=request.pk, note="Lần đầu", now=MONDAY + timedelta(days=1)
    )
    with pytest.raises(Conflict) as refused:
        services.request_extend(
            actor=STAFF, request_id=request.pk, note="Lần nữa", now=MONDAY + timedelta(days=2)
        )
    assert refused.value.code == "already_extended"


def test_the_extension_email_quotes_the_extended_legal_date(subject):
    """The law's extension moves the law's date; the bank's 72 hours, with no extension in its row, stay
    (tests/dsr/test_services_clock_moves.py): the e-mail quotes what was extended."""
    request = make_request(subject, type="access")
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Nhiều hệ thống", now=MONDAY + timedelta(days=1)
    )
    message = OutboxMessage.objects.get(topic="dsr.customer.extended")
    context = json.loads(message.payload)["context"]
    assert context["due_at"] == extended.answer_by.isoformat()
    assert context["statutory_due_at"] == extended.statutory_due_at.isoformat()
    assert extended.statutory_due_at > MONDAY + timedelta(hours=72)  # not the bank's passed date


def test_answer_by_is_the_earlier_of_the_two_deadlines(subject):
    access = make_request(subject, type="access")
    assert access.answer_by == access.due_at == MONDAY + timedelta(hours=72)
    complaint = make_request(subject, type="complaint")
    # The bank promises 15 working days; the law allows 15 days: the law's date binds.
    assert complaint.due_at == end_of(date(2026, 3, 30))
    assert complaint.answer_by == complaint.statutory_due_at == end_of(date(2026, 3, 24))
    message = OutboxMessage.objects.filter(topic="dsr.customer.received").order_by("created_at").last()
    assert json.loads(message.payload)["context"]["due_at"] == complaint.answer_by.isoformat()


def test_an_unacknowledged_request_is_reminded_then_breached(subject):
    request = make_request(subject, type="access")
    assert request.acknowledge_by == end_of(date(2026, 3, 11))

    deadlines_sweep(now=request.acknowledge_by - timedelta(hours=5))
    assert DeadlineReminder.objects.filter(clock="acknowledge", hours_before=6).count() == 1

    deadlines_sweep(now=request.acknowledge_by + timedelta(minutes=1))
    breach = DeadlineBreach.objects.get(clock="acknowledge")
    assert breach.due_at == request.acknowledge_by
    assert RequestClockEvent.objects.filter(request=request, kind="breached").exists()


def test_an_acknowledged_request_is_off_the_acknowledgement_clock(subject):
    request = make_request(subject, type="access")
    services.request_acknowledge(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))
    deadlines_sweep(now=request.acknowledge_by + timedelta(minutes=1))
    assert not DeadlineBreach.objects.filter(clock="acknowledge").exists()


def test_processor_involvement_is_decided_when_the_fan_out_reaches_one(subject, card_printer):
    request = make_request(subject, type="delete")
    # At intake nothing has reached the processor yet: the plain statutory period runs.
    assert not request.processor_involved
    assert request.statutory_due_at == end_of(date(2026, 3, 29))

    verified = services.request_verify_identity(
        actor=STAFF,
        request_id=request.pk,
        method="branch_documents",
        document_number=subject.national_id,
        now=MONDAY + timedelta(hours=1),
    )
    assert verified.processor_involved
    assert verified.statutory_due_at == end_of(date(2026, 4, 8))
    event = RequestClockEvent.objects.filter(request=request, kind="processor").get()
    assert event.statutory_due_at == verified.statutory_due_at


def test_a_request_reaching_no_processor_keeps_the_short_clock(subject, card_printer):
    request = verified_request(subject, type="access")
    assert not request.processor_involved
    assert request.statutory_due_at == end_of(date(2026, 3, 19))


def test_a_withdrawal_request_starts_the_recipients_72_hours_when_the_bank_received_it(subject):
    from consents.models import WithdrawalDuty
    from consents.services import duty_acknowledge
    from tests.consents.factories import grant, make_purpose, make_recipient

    purpose = make_purpose("partner-sharing", category="sharing", recipients=[make_recipient()],
                           effective_at=MONDAY - timedelta(days=30))
    grant(subject, purpose, now=MONDAY - timedelta(days=1))
    request = verified_request(subject, type="withdraw", purposes=["partner-sharing"])
    # The request is answered once the recipient confirmed it stopped (Law 91: the bank makes it stop).
    duty_acknowledge(
        actor=STAFF, duty_id=WithdrawalDuty.objects.get(subject_id=subject.pk).pk, note="Thư xác nhận",
        now=MONDAY + timedelta(days=5),
    )
    services.request_complete(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(days=6))
    duty = WithdrawalDuty.objects.get(subject_id=subject.pk)
    assert duty.received_at == MONDAY
    assert duty.due_at == MONDAY + timedelta(hours=72)
