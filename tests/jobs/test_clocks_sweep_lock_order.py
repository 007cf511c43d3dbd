"""The deadline sweep against other writers at the same instant (PostgreSQL: real row locks). The sweep
locks the customers of its overdue items first, skipping those another writer holds (`subjects.locks`),
then the items in id order, as every writer of several does: the sync of the dossiers (filings, which
have no customer) locks them in id order; the sweep locked the overdue items in deadline order, so with
two of them (the older id due later) each held one and waited for the other, and PostgreSQL aborted one
("deadlock detected"). A deletion being completed holds its customer, writes
its entries (the audit chain's head) and then marks the customer's other open requests; the sweep held
one of them, overdue, while it waited for the head."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from audit.services import audit_record
from consents.models import WithdrawalDuty
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr.models import DataSubjectRequest
from regulator import services as regulator_services
from regulator.models import Dossier
from subjects.models import DataSubject
from tests.concurrency import lock_waited_for, row_free, started_in_other_connection
from tests.dsr.factories import STAFF
from tests.factories import make_subject
from tests.jobs.factories import NOW, request_due, withdrawn_duty
from tests.regulator.factories import DPO, make_catalogue, make_inventory
from tests.runs import only_on

pytestmark = [pytest.mark.django_db(transaction=True), only_on("postgresql", "row locks")]


def test_a_dossier_sync_while_the_sweep_breaches_two_dossiers_deadlocks_neither():
    """Filings have no customer, so nothing the sweep locks before them keeps another writer of them
    away: the sync of the dossiers locks them in id order, and the sweep, had it locked them by
    deadline, would hold the one with the larger id and wait for the other, held by the sync, which
    waits for it."""
    make_inventory()
    make_catalogue()
    regulator_services.dossiers_sync(actor=DPO)
    first, second = Dossier.objects.order_by("pk")[:2]
    Dossier.objects.update(due_at=NOW + timedelta(days=30))
    # The sweep reaches overdue dossiers by deadline: here the one with the larger id first.
    Dossier.objects.filter(pk=first.pk).update(due_at=NOW - timedelta(hours=1))
    Dossier.objects.filter(pk=second.pk).update(due_at=NOW - timedelta(hours=2))
    with transaction.atomic():
        # The DPO holds the first dossier a moment, so the sync and the sweep meet on it in this order.
        Dossier.objects.select_for_update().get(pk=first.pk)
        sync, synced = started_in_other_connection(lambda: regulator_services.dossiers_sync(actor=DPO))
        assert lock_waited_for(until=lambda: not sync.is_alive()), synced
        sweep, swept = started_in_other_connection(lambda: deadlines_sweep(now=NOW))
        assert lock_waited_for(until=lambda: not sweep.is_alive(), count=2), swept
    for thread in (sync, sweep):
        thread.join(60)
        assert not thread.is_alive()
    assert synced == {"value": {"created": 0, "versioned": 0}}
    assert swept["value"].breaches == 2
    breached = DeadlineBreach.objects.filter(clock="file").values_list("item_id", flat=True)
    assert set(breached) == {str(first.pk), str(second.pk)}


def test_the_sweep_leaves_a_customer_another_writer_holds_for_its_next_run():
    subject = make_subject()
    late = request_due(subject, due_at=NOW - timedelta(hours=1))
    with transaction.atomic():
        # A deletion's completion up to the step where it marks the customer's other open requests
        # (`dsr.services.erasure.platform_copies_erase`): the customer, then its entries.
        DataSubject.objects.select_for_update(no_key=True).get(pk=subject.pk)
        audit_record(action="dsr.request.transitioned", actor=STAFF, subject=subject, target=late)
        thread, swept = started_in_other_connection(lambda: deadlines_sweep(now=NOW))
        lock_waited_for(until=lambda: not thread.is_alive(), timeout=5)
        # Its next step writes the customer's open requests: it waits for one the sweep holds.
        DataSubjectRequest.objects.filter(subject=subject).update(assignee=None)
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in swept, swept
    assert swept["value"].breaches == 0
    assert deadlines_sweep(now=NOW).breaches == 1


def test_the_sweep_holds_the_customers_of_every_source_before_it_waits_for_an_item():
    """The one order: customers, then the rows about them. The sweep went source by source (customers
    of the duties, the duties, customers of the requests, the requests), so it held a duty while the
    customers of its overdue requests were still to be locked."""
    duty = withdrawn_duty(make_subject())
    WithdrawalDuty.objects.filter(pk=duty.pk).update(due_at=NOW - timedelta(hours=1))
    other = make_subject()
    late = request_due(other, due_at=NOW - timedelta(hours=1))
    with transaction.atomic():
        # The recipient's acknowledgement holds the duty a moment.
        WithdrawalDuty.objects.select_for_update().get(pk=duty.pk)
        thread, swept = started_in_other_connection(lambda: deadlines_sweep(now=NOW))
        assert lock_waited_for(until=lambda: not thread.is_alive()), swept
        assert not row_free(other), "it waits for an item before it holds every customer it sweeps"
    thread.join(60)
    assert not thread.is_alive()
    assert "error" not in swept, swept
    breached = set(DeadlineBreach.objects.values_list("source", "item_id"))
    assert breached == {("consents.duty", str(duty.pk)), ("dsr.request", str(late.pk))}
