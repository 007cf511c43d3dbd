"""A request closed (answered, refused, cancelled) or acknowledged after a deadline is a missed deadline
whether or not a sweep saw it open past it: the closing records it at once (the register row, the audit
entry, the DPO's e-mail, the timeline's breach), and the sweep records any closing made late without that
record (one made before this rule), each once. A request closed in time records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from core.roles import Role
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr import services
from dsr.models import ClockEvent, DataSubjectRequest
from dsr.reports import deadline_report
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF, make_request, verified_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SOURCE = "dsr.request"


@pytest.fixture
def dpo():
    return UserFactory(username="chi", role=Role.DPO, email="chi@bank.test")


def _ids(request) -> list[str]:
    # The register keeps the text cast of the UUID: with dashes on PostgreSQL, 32 hex digits on SQLite.
    return [str(request.pk), request.pk.hex]


def _register(request) -> dict[str, tuple]:
    """The request's register rows: clock -> (deadline, when found missed)."""
    rows = DeadlineBreach.objects.filter(source=SOURCE, item_id__in=_ids(request))
    return {clock: (due, at) for clock, due, at in rows.values_list("clock", "due_at", "breached_at")}


def _audited(request) -> list[str]:
    entries = AuditEntry.objects.filter(action="dsr.clock.breached", data__item__in=_ids(request))
    return sorted(entries.values_list("data__clock", flat=True))


def _refuse(request, *, at):
    return services.request_reject(
        actor=STAFF, request_id=request.pk, reason="manifestly_unfounded", note="Trùng yêu cầu", now=at
    )


def _as_closed_before_this_rule(request) -> None:
    """The request as a closing made late before this rule left it: no register row, no mark."""
    DeadlineBreach.objects.filter(item_id__in=_ids(request)).delete()
    DataSubjectRequest.objects.filter(pk=request.pk).update(missed_recorded_at=None)


def test_a_request_refused_after_its_bank_deadline_before_any_sweep_records_it_at_once(
    subject, dpo, django_capture_on_commit_callbacks
):
    request = verified_request(subject, type="access")
    assert request.statutory_due_at > request.due_at
    late = request.due_at + timedelta(hours=1)
    assert late < request.statutory_due_at
    with django_capture_on_commit_callbacks():
        _refuse(request, at=late)

    assert _register(request) == {"due": (request.due_at, late)}
    assert _audited(request) == ["due"]
    assert OutboxMessage.objects.get(topic="deadline.breached").destination == dpo.email
    assert request.clock_events.filter(kind=ClockEvent.BREACHED).count() == 1
    request.refresh_from_db()
    assert request.missed_recorded_at == late
    # The sweep afterwards finds it recorded: nothing twice.
    assert deadlines_sweep(now=late + timedelta(days=60)).breaches == 0
    assert len(_register(request)) == 1
    assert OutboxMessage.objects.filter(topic="deadline.breached").count() == 1


def test_a_request_closed_after_its_statutory_deadline_records_both_deadlines(subject):
    request = verified_request(subject, type="access")
    late = request.statutory_due_at + timedelta(minutes=5)
    _refuse(request, at=late)
    both = {"due": (request.due_at, late), "statutory": (request.statutory_due_at, late)}
    assert _register(request) == both
    assert _audited(request) == ["due", "statutory"]


def test_a_request_cancelled_unacknowledged_after_its_acknowledgement_deadline_records_it(subject):
    request = make_request(subject, type="access")
    late = request.acknowledge_by + timedelta(minutes=1)
    assert late < request.due_at
    services.request_cancel(actor=STAFF, request_id=request.pk, now=late)
    assert _register(request) == {"acknowledge": (request.acknowledge_by, late)}


def test_a_late_acknowledgement_records_the_acknowledgement_deadline_once(subject):
    request = make_request(subject, type="access")
    late = request.acknowledge_by + timedelta(minutes=1)
    services.request_acknowledge(actor=STAFF, request_id=request.pk, now=late)
    assert _register(request) == {"acknowledge": (request.acknowledge_by, late)}
    # Closed later still in time on the other clocks: the acknowledgement is not recorded again.
    _refuse(request, at=late + timedelta(minutes=1))
    assert deadlines_sweep(now=late + timedelta(minutes=2)).breaches == 0
    assert _audited(request) == ["acknowledge"]


def test_a_request_closed_in_time_records_nothing(subject, django_capture_on_commit_callbacks):
    request = verified_request(subject, type="access")
    with django_capture_on_commit_callbacks():
        _refuse(request, at=request.due_at - timedelta(minutes=1))
    assert _register(request) == {}
    assert _audited(request) == []
    assert not OutboxMessage.objects.filter(topic="deadline.breached").exists()
    assert deadlines_sweep(now=request.statutory_due_at + timedelta(days=1)).breaches == 0
    assert _register(request) == {}


def test_the_sweep_records_a_request_closed_late_before_this_rule_once_per_clock(
    subject, dpo, django_capture_on_commit_callbacks
):
    acknowledged_late = make_request(subject, type="access")
    closed_late = verified_request(subject, type="access")
    in_time = verified_request(subject, type="access")
    late = closed_late.statutory_due_at + timedelta(minutes=5)
    acknowledged_at = acknowledged_late.acknowledge_by + timedelta(hours=1)
    services.request_acknowledge(actor=STAFF, request_id=acknowledged_late.pk, now=acknowledged_at)
    _refuse(acknowledged_late, at=acknowledged_at + timedelta(minutes=1))
    _refuse(closed_late, at=late)
    _refuse(in_time, at=in_time.due_at - timedelta(hours=1))
    for request in (acknowledged_late, closed_late):
        _as_closed_before_this_rule(request)

    escalations = OutboxMessage.objects.filter(topic="deadline.breached")
    before = escalations.count()
    sweep = late + timedelta(hours=1)
    with django_capture_on_commit_callbacks():
        assert deadlines_sweep(now=sweep).breaches == 3
    assert _register(closed_late) == {
        "due": (closed_late.due_at, sweep),
        "statutory": (closed_late.statutory_due_at, sweep),
    }
    assert _register(acknowledged_late) == {"acknowledge": (acknowledged_late.acknowledge_by, sweep)}
    assert _register(in_time) == {}
    # One e-mail to the DPO per clock with a missed deadline.
    assert escalations.count() - before == 3
    closed_late.refresh_from_db()
    assert closed_late.missed_recorded_at == sweep
    # A second sweep records nothing more.
    audited = _audited(closed_late)
    assert deadlines_sweep(now=sweep + timedelta(minutes=1)).breaches == 0
    assert _audited(closed_late) == audited
    assert escalations.count() - before == 3


def test_the_deadline_report_shows_a_request_closed_late_between_two_sweeps(subject):
    request = verified_request(subject, type="access")
    late = request.due_at + timedelta(hours=1)
    _refuse(request, at=late)
    report = deadline_report(now=late + timedelta(hours=1), since=MONDAY, until=MONDAY + timedelta(days=30))
    assert {(row["source"], row["clock"], row["count"]) for row in report["breaches"]} >= {
        (SOURCE, "due", 1)
    }
