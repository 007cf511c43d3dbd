"""A legal hold follows the end of the relationship as corrected, and its end is followed through:
a correction re-dates every hold not yet released (a cleared end undates them), the erase task each
system gets when a hold ends is on a clock like any deadline, and the customer hears of it and reads
it on their request page."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.roles import Role
from deadlines.clocks.sweep import deadlines_sweep
from deadlines.models import DeadlineBreach, DeadlineReminder
from deadlines.policy import add_months
from dsr import services
from dsr.models import FulfilmentTask, LegalHold
from dsr.services.deletion import HOLD_CORRECTION_GRACE
from integrations.models import OutboxMessage
from notifications.models import Channel, Notification
from subjects.models import DataSubject
from subjects.services import subject_rectify
from tests.dsr.factories import make_inventory, verified_request
from tests.factories import signed_in
from tests.jobs.factories import staff
from tests.migrations import imports_of_others, registries_after

pytestmark = pytest.mark.django_db

dating_migration = importlib.import_module("dsr.migrations.0020_erase_tasks_open_dated")
migration_apps = registries_after(dating_migration.Migration.dependencies)


def _held_deletion(subject, privacy_officer, dpo):
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    request = verified_request(subject, type="delete", actor=worker)
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    services.request_approve(actor=approver, request_id=request.pk)
    services.request_complete(actor=worker, request_id=request.pk)
    return request, worker


def _end_relationship(worker, subject, ended_on):
    subject_rectify(
        actor=worker, subject_id=subject.pk, changes={"relationship_ended_on": ended_on},
        reason="portal.relationship_end",
    )


def _ends(request):
    return set(LegalHold.objects.filter(request=request).values_list("ends_on", flat=True))


def test_correcting_the_relationship_end_re_dates_the_hold(subject, privacy_officer, dpo):
    """Recorded as 15 Jan 2026, corrected to 30 Jun 2026: the AML period (Law 14/2022 Art. 40, 5 years
    after the relationship ends) now ends 30 Jun 2031, and nothing is released before."""
    request, worker = _held_deletion(subject, privacy_officer, dpo)
    _end_relationship(worker, subject, date(2026, 1, 15))
    services.legal_holds_release_due(now=timezone.now())
    assert _ends(request) == {date(2031, 1, 15)}
    _end_relationship(worker, subject, date(2026, 6, 30))
    assert _ends(request) == {date(2031, 6, 30)}
    feb_2031 = timezone.now().replace(year=2031, month=2, day=1)
    assert services.legal_holds_release_due(now=feb_2031) == 0
    entries = AuditEntry.objects.filter(action="dsr.hold.redated", data__before="2031-01-15")
    assert entries.count() == 3
    assert {e.data["after"] for e in entries} == {"2031-06-30"}


def test_clearing_the_relationship_end_undates_the_hold(subject, privacy_officer, dpo):
    """The relationship is open again (or the end was recorded on the wrong customer): no end date."""
    request, worker = _held_deletion(subject, privacy_officer, dpo)
    _end_relationship(worker, subject, date(2026, 1, 15))
    services.legal_holds_release_due(now=timezone.now())
    _end_relationship(worker, subject, None)
    services.legal_holds_release_due(now=timezone.now())
    assert DataSubject.objects.get(pk=subject.pk).relationship_ended_on is None
    assert _ends(request) == {None}
    later = timezone.now() + timedelta(days=10 * 366)
    assert services.legal_holds_release_due(now=later) == 0


def test_a_correction_into_the_past_is_not_released_the_same_night(subject, privacy_officer, dpo):
    """A mistyped year (2016 for 2026) would end the AML period years ago: the hold waits the grace
    period from the correction, so a second look can fix it before anything is deleted."""
    request, worker = _held_deletion(subject, privacy_officer, dpo)
    _end_relationship(worker, subject, date(2016, 1, 15))
    today = timezone.localdate()
    assert _ends(request) == {today + HOLD_CORRECTION_GRACE}
    assert services.legal_holds_release_due(now=timezone.now()) == 0
    entry = AuditEntry.objects.filter(action="dsr.hold.redated").first()
    assert (entry.data["legal_end"], entry.data["after"]) == (
        "2021-01-15", (today + HOLD_CORRECTION_GRACE).isoformat()
    )
    # Corrected within the grace period: the hold follows the right date.
    _end_relationship(worker, subject, date(2026, 1, 15))
    assert _ends(request) == {date(2031, 1, 15)}


def test_a_correction_that_moves_the_end_later_keeps_the_laws_date(subject, privacy_officer, dpo):
    """The grace period guards against an end brought forward by mistake; an end put back a few days
    is the law's date itself, not kept 30 days longer than the law allows."""
    request, worker = _held_deletion(subject, privacy_officer, dpo)
    first = add_months(timezone.localdate(), -60) + timedelta(days=5)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=first)
    assert services.legal_holds_release_due(now=timezone.now()) == 0
    assert _ends(request) == {add_months(first, 60)}
    corrected = first + timedelta(days=5)
    _end_relationship(worker, subject, corrected)
    assert _ends(request) == {add_months(corrected, 60)}


def test_a_released_hold_is_not_re_dated(subject, privacy_officer, dpo):
    request, worker = _held_deletion(subject, privacy_officer, dpo)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    assert services.legal_holds_release_due(now=timezone.now()) == 3
    _end_relationship(worker, subject, date(2026, 1, 15))
    assert _ends(request) == {date(2025, 1, 1)}


def test_the_erase_task_after_a_hold_ends_is_chased(subject, privacy_officer, dpo):
    """Core banking never confirms the erase task of an ended hold: the sweep reminds, then breaches
    (the DPO is told), as for any deadline."""
    request, _worker = _held_deletion(subject, privacy_officer, dpo)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    assert services.legal_holds_release_due(now=timezone.now()) == 3
    open_erase = FulfilmentTask.objects.filter(request=request, hold__isnull=False, status="open")
    assert open_erase.count() == 2
    assert all(task.due_at is not None for task in open_erase)
    staff("chi", Role.DPO)  # with an e-mail address
    due_at = open_erase.first().due_at
    for moment in (due_at - timedelta(hours=20), due_at + timedelta(hours=1)):
        deadlines_sweep(now=moment)
    assert DeadlineReminder.objects.filter(source="dsr.erase_task").count() == 2
    assert DeadlineBreach.objects.filter(source="dsr.erase_task").count() == 2
    # The DPO is told of each breach.
    assert OutboxMessage.objects.filter(topic="deadline.breached").exists()


@pytest.mark.parametrize("swept_after", [False, True], ids=["at-confirmation", "by-the-next-sweep"])
def test_an_erase_task_confirmed_after_its_deadline_is_a_recorded_breach(
    subject, privacy_officer, dpo, swept_after
):
    """Confirmed late before any sweep saw it overdue (the sweeper down, or within the minute): the
    confirmation records the miss, and were it missed there, the next sweep would; once either way."""
    request, worker = _held_deletion(subject, privacy_officer, dpo)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    services.legal_holds_release_due(now=timezone.now())
    task = FulfilmentTask.objects.filter(request=request, hold__isnull=False, status="open").first()
    late = task.due_at + timedelta(days=3)
    services.task_complete(actor=worker, task_id=task.pk, result={"erased": True}, now=late)
    if swept_after:
        DeadlineBreach.objects.filter(source="dsr.erase_task").delete()
    deadlines_sweep(now=late + timedelta(minutes=1))
    deadlines_sweep(now=late + timedelta(minutes=2))
    breaches = DeadlineBreach.objects.filter(source="dsr.erase_task", item_id__in=[str(task.pk), task.pk.hex])
    assert breaches.count() == 1


def test_the_customer_is_told_when_the_held_part_is_deleted(subject, privacy_officer, dpo):
    """In the inbox: the deletion erased the customer's contact details, and nothing goes to them."""
    request, _worker = _held_deletion(subject, privacy_officer, dpo)
    before = set(Notification.objects.filter(subject=subject).values_list("pk", flat=True))
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    assert services.legal_holds_release_due(now=timezone.now()) == 3
    new = Notification.objects.filter(subject=subject).exclude(pk__in=before)
    assert [(n.topic, n.channel) for n in new] == [("dsr.customer.held_deleted", Channel.INBOX)]
    assert str(request.pk) in new.get().context
    services.legal_holds_release_due(now=timezone.now())
    assert Notification.objects.filter(subject=subject).exclude(pk__in=before).count() == 1


def test_the_customers_page_says_the_held_part_is_deleted(customer_a, privacy_officer, dpo):
    subject = customer_a.customer_account.subject
    request, _worker = _held_deletion(subject, privacy_officer, dpo)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    services.legal_holds_release_due(now=timezone.now())
    page = signed_in(customer_a).get(f"/en/me/requests/{request.pk}/").content.decode()
    holds = page[page.index('data-testid="holds"'):]
    holds = holds[: holds.index("</section>")]
    assert "The period has ended: its deletion was ordered on" in holds
    assert holds.count('data-testid="hold-released"') == 3


def test_erase_tasks_open_before_they_had_a_deadline_get_one(migration_apps, subject, privacy_officer, dpo):
    """Migration dsr 0020: an erase task given before erase tasks had deadlines is chased too."""
    request, _worker = _held_deletion(subject, privacy_officer, dpo)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    services.legal_holds_release_due(now=timezone.now())
    open_erase = FulfilmentTask.objects.filter(request=request, hold__isnull=False, status="open")
    long_ago = timezone.now() - timedelta(days=400)
    open_erase.update(due_at=None, created_at=long_ago)
    assert imports_of_others(dating_migration) == []

    dating_migration.date_the_open_erase_tasks(migration_apps, None)

    assert {task.due_at for task in open_erase} == {long_ago + timedelta(days=30)}
    assert deadlines_sweep(now=timezone.now()).breaches == 2
