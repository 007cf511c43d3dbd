"""The deadline sweep (beat, every minute) against staff closing the same item at the same moment, before
its deadline: the sweep leaves an item whose customer staff hold to its next run, and otherwise waits
for the item and reads it again as committed, so an item closed in time gets no breach (register, audit
entry, timeline event, DPO e-mail), and one still open still does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit import transitions
from consents import services as consent_services
from consents.models import WithdrawalDuty
from deadlines.clocks import clock_sources, deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr import services
from dsr.models import DataSubjectRequest
from tests.concurrency import start_in_other_connection
from tests.dsr.factories import STAFF, verified_request
from tests.factories import make_subject
from tests.jobs.factories import withdrawn_duty

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def breaches_of(item) -> list[dict]:
    return list(DeadlineBreach.objects.filter(item_id=str(item.pk)).values("clock", "breached_at"))


def test_request_completed_before_its_deadline_gets_no_breach_from_a_concurrent_sweep(subject, monkeypatch):
    request = verified_request(subject, type="complaint")
    # The binding deadline: a complaint's law's 15 days end before the bank's 15 working days.
    due = request.answer_by
    original = services.requests.request_complete_locked
    sweep = {}

    def complete_then_sweep_runs(request, **kwargs):
        result = original(request, **kwargs)
        # The completion is written but not yet committed when beat's sweep starts, a second later.
        sweep["result"] = start_in_other_connection(lambda: deadlines_sweep(now=due + timedelta(seconds=1)))
        return result

    monkeypatch.setattr(services.requests, "request_complete_locked", complete_then_sweep_runs)
    services.request_complete(actor=STAFF, request_id=request.pk, note="done", now=due - timedelta(seconds=1))
    sweep["result"]()

    request = DataSubjectRequest.objects.get(pk=request.pk)
    assert request.status == "completed" and request.closed_at <= request.answer_by
    # Completed on time: the breach register (and the DPO's escalation) must not say otherwise.
    assert breaches_of(request) == []


def test_recipient_acknowledging_before_its_72_hours_gets_no_breach_from_a_concurrent_sweep(
    subject, monkeypatch
):
    duty = withdrawn_duty(subject)
    due = duty.due_at
    original = transitions.Transition.__call__
    sweep = {}

    def acknowledge_then_sweep_runs(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        sweep["result"] = start_in_other_connection(lambda: deadlines_sweep(now=due + timedelta(seconds=1)))
        return result

    monkeypatch.setattr(transitions.Transition, "__call__", acknowledge_then_sweep_runs)
    consent_services.duty_acknowledge(
        actor=STAFF, duty_id=duty.pk, note="letter received", now=due - timedelta(seconds=1)
    )
    sweep["result"]()

    duty = WithdrawalDuty.objects.get(pk=duty.pk)
    assert duty.status == "acknowledged" and duty.acknowledged_at < duty.due_at
    assert breaches_of(duty) == []


def test_a_sweep_that_already_breached_one_item_waits_for_staff_completing_another(subject, monkeypatch):
    """The sweep audits a duty's breach (taking the audit chain's head) while staff hold a request they
    are completing and have yet to audit: neither may wait for the other (a deadlock aborts one)."""
    request = verified_request(subject, type="complaint")
    # The binding deadline: a complaint's law's 15 days end before the bank's 15 working days.
    due = request.answer_by
    late_duty = withdrawn_duty(make_subject())
    WithdrawalDuty.objects.filter(pk=late_duty.pk).update(due_at=due - timedelta(hours=1))
    original = services.requests.request_complete_locked
    sweep = {}

    def sweep_runs_then_complete(request, **kwargs):
        # The request is locked, its completion and audit entry not yet written.
        sweep["result"] = start_in_other_connection(lambda: deadlines_sweep(now=due + timedelta(seconds=1)))
        return original(request, **kwargs)

    monkeypatch.setattr(services.requests, "request_complete_locked", sweep_runs_then_complete)
    services.request_complete(actor=STAFF, request_id=request.pk, note="done", now=due - timedelta(seconds=1))
    assert sweep["result"]().breaches == 1

    assert [b["clock"] for b in breaches_of(late_duty)] == ["due"]
    assert DataSubjectRequest.objects.get(pk=request.pk).status == "completed"
    assert breaches_of(request) == []


def test_an_item_still_open_after_the_sweep_waited_for_it_is_breached(subject):
    """Waiting for a lock is no reason to skip: a request staff touched but left open is still late."""
    request = verified_request(subject, type="complaint")
    due = request.due_at
    with transaction.atomic():
        DataSubjectRequest.objects.select_for_update().filter(pk=request.pk).update(assignee=None)
        result = start_in_other_connection(lambda: deadlines_sweep(now=due + timedelta(seconds=1)))
    assert result().breaches >= 1
    assert "due" in {b["clock"] for b in breaches_of(request)}


def test_the_sweep_locks_only_the_items_not_the_rows_their_labels_are_read_from():
    """Duties read their recipient's name, dossiers their purpose's code: those rows stay unlocked, or
    the sweep would hold up every change to a recipient or a purpose for as long as it runs. Each
    source's items are locked in one statement, for all its clocks (`test_clocks_sweep_lock_order`)."""
    with CaptureQueriesContext(connection) as queries:
        deadlines_sweep()
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert all(" FOR UPDATE OF " in sql for sql in locking), locking
    for source in clock_sources():
        table = connection.ops.quote_name(source.open_items(source.clocks[0]).model._meta.db_table)
        mine = [sql for sql in locking if sql.endswith(f"FOR UPDATE OF {table}")]
        assert len(mine) == 1, (source.name, locking)
