"""A breach notified after its 72 hours, or a dossier first filed after its 60 days, is a missed deadline
whether or not the sweep saw it open past its deadline: the late notification or filing records it (the
register row, the audit entry, the DPO's e-mail, the item's mark), and the sweep records any item closed
late without one (a filing made before this rule), each once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from core.roles import Role
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach
from dsr.reports import deadline_report
from integrations.models import OutboxMessage
from regulator import services
from regulator.models import Breach, Dossier, DossierKind
from tests.factories import UserFactory
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo():
    return UserFactory(username="chi", role=Role.DPO, email="chi@bank.test")


@pytest.fixture
def dossiers():
    make_inventory()
    make_catalogue(now=MONDAY)
    services.dossiers_sync(actor=DPO, now=MONDAY)


def _dossier(code: str) -> Dossier:
    return Dossier.objects.get(kind=DossierKind.PROCESSING, purpose__code=code)


def _file(dossier: Dossier, *, at) -> None:
    services.dossier_edit(actor=DPO, dossier_id=dossier.pk, assessment="Low risk.", note="Assessed", now=at)
    services.dossier_file(actor=DPO, dossier_id=dossier.pk, now=at)


def _ids(item) -> list[str]:
    # The register keeps the text cast of the UUID: with dashes on PostgreSQL, 32 hex digits on SQLite.
    return [str(item.pk), item.pk.hex]


def _recorded(item, action: str) -> tuple:
    """(the item's mark, its register rows as (due, breached), the audit entries of its missed deadline)."""
    item.refresh_from_db()
    rows = DeadlineBreach.objects.filter(item_id__in=_ids(item))
    entries = AuditEntry.objects.filter(action=action, data__item__in=_ids(item))
    return item.deadline_breached_at, list(rows.values_list("due_at", "breached_at")), entries.count()


def _as_closed_before_this_rule(item) -> None:
    """The item as a notification or filing made late before this rule left it: no register row, no mark."""
    DeadlineBreach.objects.filter(item_id__in=_ids(item)).delete()
    type(item).objects.filter(pk=item.pk).update(deadline_breached_at=None)


def test_a_breach_notified_late_before_any_sweep_is_recorded_as_a_missed_deadline(
    dpo, django_capture_on_commit_callbacks
):
    make_inventory()
    breach = make_breach()
    late = breach.notify_due_at + timedelta(minutes=30)
    with django_capture_on_commit_callbacks():
        services.breach_notify(actor=DPO, breach_id=breach.pk, late_reason="Forensics took longer", now=late)

    action = "regulator.breach.deadline_breached"
    assert _recorded(breach, action) == (late, [(breach.notify_due_at, late)], 1)
    escalation = OutboxMessage.objects.get(topic="deadline.breached")
    assert escalation.destination == dpo.email
    # The sweep afterwards finds it recorded: nothing twice.
    with django_capture_on_commit_callbacks():
        assert deadlines_sweep(now=late + timedelta(minutes=1)).breaches == 0
    assert _recorded(breach, action) == (late, [(breach.notify_due_at, late)], 1)
    report = deadline_report(now=late, since=MONDAY, until=late + timedelta(days=1))
    assert [(row["source"], row["count"]) for row in report["breaches"]] == [("regulator.breach", 1)]


def test_a_breach_notified_in_time_is_no_missed_deadline(dpo, django_capture_on_commit_callbacks):
    make_inventory()
    breach = make_breach()
    with django_capture_on_commit_callbacks():
        services.breach_notify(actor=DPO, breach_id=breach.pk, now=breach.notify_due_at)
        assert deadlines_sweep(now=breach.notify_due_at + timedelta(days=3)).breaches == 0
    assert _recorded(breach, "regulator.breach.deadline_breached") == (None, [], 0)
    assert not OutboxMessage.objects.filter(topic="deadline.breached").exists()


def test_the_sweep_records_a_breach_notified_late_without_a_record_once(
    dpo, django_capture_on_commit_callbacks
):
    make_inventory()
    breach = make_breach()
    late = breach.notify_due_at + timedelta(hours=2)
    services.breach_notify(actor=DPO, breach_id=breach.pk, late_reason="Forensics took longer", now=late)
    _as_closed_before_this_rule(breach)
    entries_before = _recorded(breach, "regulator.breach.deadline_breached")[2]

    swept = late + timedelta(days=1)
    with django_capture_on_commit_callbacks():
        assert deadlines_sweep(now=swept).breaches == 1
        assert deadlines_sweep(now=swept + timedelta(minutes=1)).breaches == 0
    mark, rows, entries = _recorded(breach, "regulator.breach.deadline_breached")
    assert (mark, rows, entries - entries_before) == (swept, [(breach.notify_due_at, swept)], 1)
    assert Breach.objects.get(pk=breach.pk).status == "notified"


def test_a_dossier_first_filed_late_before_any_sweep_is_recorded_as_a_missed_deadline(
    dpo, dossiers, django_capture_on_commit_callbacks
):
    # Its processing started 70 days before MONDAY: the 60 days have run out.
    dossier = _dossier("transfer")
    assert dossier.due_at < MONDAY
    with django_capture_on_commit_callbacks():
        _file(dossier, at=MONDAY)

    action = "regulator.dossier.deadline_breached"
    assert _recorded(dossier, action) == (MONDAY, [(dossier.due_at, MONDAY)], 1)
    assert OutboxMessage.objects.get(topic="deadline.breached").destination == dpo.email
    # The sweep afterwards finds it recorded: nothing twice.
    with django_capture_on_commit_callbacks():
        deadlines_sweep(now=MONDAY + timedelta(minutes=1))
    assert _recorded(dossier, action) == (MONDAY, [(dossier.due_at, MONDAY)], 1)


def test_a_later_version_filed_after_the_60_days_is_no_missed_deadline(
    dossiers, django_capture_on_commit_callbacks
):
    dossier = _dossier("marketing")
    _file(dossier, at=MONDAY)
    later = dossier.due_at + timedelta(days=10)
    with django_capture_on_commit_callbacks():
        # The first filing was in time; the 60 days bound that one only.
        _file(dossier, at=later)
        deadlines_sweep(now=later + timedelta(minutes=1))
    assert _recorded(dossier, "regulator.dossier.deadline_breached") == (None, [], 0)


def test_the_sweep_records_a_dossier_filed_late_without_a_record_once(
    dossiers, django_capture_on_commit_callbacks
):
    dossier = _dossier("transfer")
    _file(dossier, at=MONDAY)
    # Filed again later (a new version): the late first filing is what the sweep records.
    _file(dossier, at=MONDAY + timedelta(days=1))
    _as_closed_before_this_rule(dossier)
    action = "regulator.dossier.deadline_breached"
    entries_before = _recorded(dossier, action)[2]

    swept = MONDAY + timedelta(days=2)
    with django_capture_on_commit_callbacks():
        deadlines_sweep(now=swept)
        deadlines_sweep(now=swept + timedelta(minutes=1))
    mark, rows, entries = _recorded(dossier, action)
    assert (mark, rows, entries - entries_before) == (swept, [(dossier.due_at, swept)], 1)
