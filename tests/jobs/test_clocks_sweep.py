"""The deadline sweeper with a frozen clock: each threshold, breaches, the double run, batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from accounts.services import user_role_set
from audit.models import AuditEntry
from consents.models import WithdrawalDuty
from core.roles import Role
from deadlines.clocks import deadlines_sweep, reminder_thresholds
from deadlines.models import DeadlineBreach, DeadlineReminder, ReminderThreshold
from dsr.models import ClockEvent, RequestClockEvent
from dsr.services import request_transition
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.dsr.factories import STAFF
from tests.jobs.factories import NOW, request_due, staff, withdrawn_duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "officer": staff("anna", Role.OFFICER),
        "privacy": staff("binh", Role.PRIVACY),
        "dpo": staff("chi", Role.DPO),
    }


def deadline_messages():
    # Customers hear of their requests' moves too; these tests look at the deadline e-mails only.
    return OutboxMessage.objects.filter(topic__startswith="deadline.")


def deliver_all(now):
    for message in deadline_messages().filter(status=OutboxMessage.Status.PENDING):
        outbox_deliver(message.pk, now=now)
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def test_default_thresholds_are_a_day_and_six_hours():
    assert reminder_thresholds() == [24, 6]
    ReminderThreshold.objects.update(active=False)
    assert reminder_thresholds() == [24, 6]  # none active: the defaults still remind


def test_24_hour_threshold_reminds_the_assignee_once(people, subject, django_capture_on_commit_callbacks):
    request = request_due(subject, due_at=NOW + timedelta(hours=20), assignee=people["officer"])
    with django_capture_on_commit_callbacks() as callbacks:
        result = deadlines_sweep(now=NOW)
    assert (result.reminders, result.breaches) == (1, 0)
    assert len(callbacks) == 1  # one outbox sweep dispatched for the whole batch
    reminder = DeadlineReminder.objects.get()
    assert (reminder.item_id.replace("-", ""), reminder.clock, reminder.hours_before) == (
        request.pk.hex,
        "due",
        24,
    )
    sent = deliver_all(NOW)
    assert [to for to, _subject in sent] == ["anna@bank.test"]
    assert "24" in sent[0][1]
    # Run again a minute later: nothing new.
    assert deadlines_sweep(now=NOW + timedelta(minutes=1)).reminders == 0
    assert deadline_messages().count() == 1


def test_6_hour_threshold_follows_the_24_hour_one(people, subject):
    request_due(subject, due_at=NOW + timedelta(hours=23), assignee=people["officer"])
    assert deadlines_sweep(now=NOW).reminders == 1
    assert deadlines_sweep(now=NOW + timedelta(hours=10)).reminders == 0  # 13 h left: between thresholds
    assert deadlines_sweep(now=NOW + timedelta(hours=17, minutes=30)).reminders == 1  # 5.5 h left
    assert sorted(DeadlineReminder.objects.values_list("hours_before", flat=True)) == [6, 24]


def test_an_item_arriving_late_gets_only_the_nearest_threshold(people, subject):
    request_due(subject, due_at=NOW + timedelta(hours=5), assignee=people["officer"])
    assert deadlines_sweep(now=NOW).reminders == 1
    assert list(DeadlineReminder.objects.values_list("hours_before", flat=True)) == [6]


def test_unassigned_items_remind_the_privacy_officers(people, subject):
    request_due(subject, due_at=NOW + timedelta(hours=3))
    deadlines_sweep(now=NOW)
    assert [to for to, _subject in deliver_all(NOW)] == ["binh@bank.test"]


def test_an_assignee_who_left_is_not_reminded_the_privacy_officers_are(people, subject):
    """Their role was taken away (they left, or now audit): the reminder would reach nobody who can act."""
    request_due(subject, due_at=NOW + timedelta(hours=3), assignee=people["officer"])
    user_role_set(actor=STAFF, user=people["officer"], role=None)
    deadlines_sweep(now=NOW)
    assert [to for to, _subject in deliver_all(NOW)] == ["binh@bank.test"]


def test_thresholds_the_dpo_sets_apply(people, subject):
    ReminderThreshold.objects.create(hours_before=48)
    request_due(subject, due_at=NOW + timedelta(hours=40), assignee=people["officer"])
    assert deadlines_sweep(now=NOW).reminders == 1
    assert DeadlineReminder.objects.get().hours_before == 48


def test_a_moved_deadline_is_reminded_again(people, subject):
    request = request_due(subject, due_at=NOW + timedelta(hours=3), assignee=people["officer"])
    deadlines_sweep(now=NOW)
    type(request).objects.filter(pk=request.pk).update(due_at=NOW + timedelta(hours=5))
    assert deadlines_sweep(now=NOW + timedelta(minutes=1)).reminders == 1
    assert DeadlineReminder.objects.count() == 2


def test_breach_is_recorded_audited_and_escalated_once(people, subject):
    request = request_due(subject, due_at=NOW - timedelta(minutes=1), assignee=people["officer"])
    result = deadlines_sweep(now=NOW)
    assert result.breaches == 1
    breach = DeadlineBreach.objects.get()
    assert (breach.clock, breach.subject_id, breach.due_at) == ("due", subject.pk, request.due_at)
    assert AuditEntry.objects.filter(action="dsr.clock.breached", target_id=str(breach.pk)).count() == 1
    assert RequestClockEvent.objects.filter(request=request, kind=ClockEvent.BREACHED).count() == 1
    sent = deliver_all(NOW)
    assert [to for to, _subject in sent] == ["chi@bank.test"]
    # Twice, and later: the register holds one breach, the DPO heard once.
    assert deadlines_sweep(now=NOW).breaches == 0
    assert deadlines_sweep(now=NOW + timedelta(hours=1)).breaches == 0
    assert DeadlineBreach.objects.count() == 1 and deadline_messages().count() == 1


def test_statutory_clock_breaches_separately(people, subject):
    request_due(subject, due_at=NOW - timedelta(hours=2), statutory_due_at=NOW + timedelta(days=2))
    deadlines_sweep(now=NOW)
    assert list(DeadlineBreach.objects.values_list("clock", flat=True)) == ["due"]
    deadlines_sweep(now=NOW + timedelta(days=2, minutes=1))
    assert sorted(DeadlineBreach.objects.values_list("clock", flat=True)) == ["due", "statutory"]


def test_closed_and_paused_requests_are_left_alone(people, subject):
    closed = request_due(subject, due_at=NOW + timedelta(hours=1))
    request_transition(actor=STAFF, request_id=closed.pk, to="cancelled", now=NOW - timedelta(hours=1))
    paused = request_due(subject, due_at=NOW - timedelta(hours=1))
    type(paused).objects.filter(pk=paused.pk).update(paused_at=NOW - timedelta(hours=2))
    result = deadlines_sweep(now=NOW)
    assert (result.reminders, result.breaches) == (0, 0)


def test_a_request_awaiting_the_customer_stops_only_the_banks_clock(people, subject):
    """Law 91 has no pause: while the bank waits for the customer, the statutory deadline still runs
    out, and its breach is recorded like any other."""
    paused = request_due(
        subject, due_at=NOW - timedelta(hours=1), statutory_due_at=NOW - timedelta(minutes=5)
    )
    type(paused).objects.filter(pk=paused.pk).update(paused_at=NOW - timedelta(hours=2))
    assert deadlines_sweep(now=NOW).breaches == 1
    assert list(DeadlineBreach.objects.values_list("clock", flat=True)) == ["statutory"]


def test_a_full_batch_says_run_again(people, subject):
    for hours in (1, 2, 3):
        request_due(subject, due_at=NOW + timedelta(hours=hours))
    first = deadlines_sweep(now=NOW, limit=2)
    assert (first.reminders, first.full) == (2, True)
    second = deadlines_sweep(now=NOW, limit=2)
    assert (second.reminders, second.full) == (1, False)


def test_withdrawal_duties_are_reminded_and_breached(people, subject):
    duty = withdrawn_duty(subject)
    WithdrawalDuty.objects.filter(pk=duty.pk).update(due_at=NOW + timedelta(hours=2))
    assert deadlines_sweep(now=NOW).reminders == 1
    WithdrawalDuty.objects.filter(pk=duty.pk).update(due_at=NOW - timedelta(hours=1))
    assert deadlines_sweep(now=NOW).breaches == 1
    breach = DeadlineBreach.objects.get(source="consents.duty")
    assert "#" in breach.label
    assert AuditEntry.objects.filter(action="core.deadline.breached").count() == 1
