"""The breach register: the 72-hour clock, phased notification with late reasons, customer notices."""

from __future__ import annotations

from datetime import timedelta

import pytest

from audit.models import AuditEntry
from core.errors import Conflict, InvalidInput
from core.roles import Role
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach, DeadlineReminder
from integrations.models import OutboxMessage
from regulator import services
from regulator.models import BreachNotification, BreachStatus
from regulator.selectors import breach_affected_subjects
from regulator.services.breaches import phase_late
from tests.factories import UserFactory
from tests.regulator.factories import (
    DPO,
    MONDAY,
    customers_with,
    make_breach,
    make_catalogue,
    make_customer,
    make_inventory,
)

pytestmark = pytest.mark.django_db


def _notify(breach, after_detection: timedelta, **fields):
    """The DPO notifies the authority of `breach` (the next phase) `after_detection` from MONDAY."""
    return services.breach_notify(actor=DPO, breach_id=breach.pk, now=MONDAY + after_detection, **fields)


def test_recording_a_breach_starts_a_72_hour_clock_from_detection():
    make_inventory()
    breach = make_breach()
    assert breach.notify_due_at == MONDAY + timedelta(hours=72)
    assert breach.statutory_due_at == MONDAY + timedelta(hours=72)
    assert breach.reference.startswith("BR-2026-")
    assert breach.status == BreachStatus.OPEN
    assert AuditEntry.objects.filter(action="regulator.breach.recorded").count() == 1


def test_detection_before_occurrence_or_unknown_system_is_refused():
    make_inventory()
    with pytest.raises(InvalidInput) as error:
        make_breach(occurred_at=MONDAY + timedelta(hours=1))
    assert error.value.field == "detected_at"
    with pytest.raises(InvalidInput) as error:
        make_breach(systems=["nope"])
    assert error.value.field == "systems"


def test_initial_notification_in_time_moves_to_notified_without_reason():
    make_inventory()
    breach = make_breach()
    phase = _notify(breach, timedelta(hours=30))
    breach.refresh_from_db()
    assert breach.status == BreachStatus.NOTIFIED
    assert phase.phase == 1 and phase.kind == "initial" and phase.late is False
    assert phase.document["form"] == "08"
    assert phase.document["counts"]["data_subjects"] == 120


def test_late_initial_notification_needs_a_reason():
    make_inventory()
    breach = make_breach()
    late = timedelta(hours=73)
    with pytest.raises(InvalidInput) as error:
        _notify(breach, late)
    assert error.value.field == "late_reason"
    phase = _notify(breach, late, late_reason="Forensics needed to confirm scope.")
    assert phase.late is True
    assert phase.document["late"] is True
    assert phase.document["late_reason"] == "Forensics needed to confirm scope."


def test_follow_up_phases_are_versioned_and_state_new_facts():
    make_inventory()
    breach = make_breach()
    _notify(breach, timedelta(hours=10))
    with pytest.raises(InvalidInput):
        _notify(breach, timedelta(days=5))
    services.breach_update(
        actor=DPO, breach_id=breach.pk, changes={"subjects_affected": 150}, now=MONDAY + timedelta(days=5)
    )
    second = _notify(breach, timedelta(days=5), new_facts="30 more customers found in a second batch.")
    assert second.phase == 2 and second.kind == "follow_up" and second.late is False
    assert second.document["counts"]["data_subjects"] == 150
    events = [e["event"] for e in second.document["timeline"]]
    assert events[-2:] == ["phase_1_submitted", "phase_2_submitted"]


def test_a_follow_up_of_an_initial_notification_in_time_is_never_late():
    """Law 91 Art. 23: notifying in phases is allowed and no period binds the later phases."""
    make_inventory()
    breach = make_breach()
    _notify(breach, timedelta(hours=10))
    within = _notify(breach, timedelta(hours=30), new_facts="Scope confirmed.")
    weeks_later = _notify(
        breach, timedelta(days=21), new_facts="Forensic report received.", late_reason="not needed"
    )
    for phase in (within, weeks_later):
        assert phase.late is False and phase.late_reason == ""
        assert phase.document["late"] is False and phase.document["late_reason"] == ""


def test_a_follow_up_of_a_late_initial_notification_is_late_and_says_why():
    make_inventory()
    breach = make_breach()
    initial = _notify(breach, timedelta(hours=80), late_reason="Found on a holiday.")
    assert initial.late is True
    with pytest.raises(InvalidInput) as error:
        _notify(breach, timedelta(hours=90), new_facts="More records.")
    assert error.value.field == "late_reason"
    assert breach.phases.count() == 1
    follow_up = _notify(
        breach,
        timedelta(hours=90),
        new_facts="More records.",
        late_reason="Found on a holiday; the second batch needed forensics.",
    )
    assert (follow_up.phase, follow_up.kind, follow_up.late) == (2, "follow_up", True)
    assert follow_up.late_reason == "Found on a holiday; the second batch needed forensics."
    assert follow_up.document["late"] is True
    assert follow_up.document["late_reason"] == follow_up.late_reason
    entry = AuditEntry.objects.filter(action="regulator.breach.notified").order_by("pk").last()
    assert (entry.data["phase"], entry.data["kind"], entry.data["late"]) == (2, "follow_up", True)


def test_the_lateness_rule():
    make_inventory()
    breach = make_breach()
    due = breach.notify_due_at
    on_time = BreachNotification(late=False)
    late = BreachNotification(late=True)
    assert phase_late(breach=breach, initial=None, at=due) is False
    assert phase_late(breach=breach, initial=None, at=due + timedelta(seconds=1)) is True
    assert phase_late(breach=breach, initial=on_time, at=due + timedelta(days=30)) is False
    assert phase_late(breach=breach, initial=late, at=due + timedelta(days=30)) is True


def test_the_shared_sweeper_reminds_the_dpo_and_records_the_passed_deadline(
    django_capture_on_commit_callbacks,
):
    dpo = UserFactory(username="chi", role=Role.DPO, email="chi@bank.test")
    make_inventory()
    breach = make_breach()
    with django_capture_on_commit_callbacks():
        # 20 hours left: the 24-hour reminder goes to the DPO queue.
        result = deadlines_sweep(now=MONDAY + timedelta(hours=52))
    assert (result.reminders, result.breaches) == (1, 0)
    reminder = DeadlineReminder.objects.get(source="regulator.breach")
    assert (reminder.clock, reminder.hours_before) == ("notify", 24)
    mail = OutboxMessage.objects.get(topic="deadline.reminder")
    assert mail.destination == dpo.email
    with django_capture_on_commit_callbacks():
        # Past the 72 hours and still not notified: one breach, marked on the breach once.
        assert deadlines_sweep(now=MONDAY + timedelta(hours=73)).breaches == 1
        assert deadlines_sweep(now=MONDAY + timedelta(hours=74)).breaches == 0
    register = DeadlineBreach.objects.get(source="regulator.breach")
    # Labels in the register are written in the site language (Vietnamese).
    assert register.label == f"Vi phạm {breach.reference}: thông báo A05"
    breach.refresh_from_db()
    assert breach.deadline_breached_at == MONDAY + timedelta(hours=73)
    assert AuditEntry.objects.filter(action="regulator.breach.deadline_breached").count() == 1


def test_a_notified_breach_leaves_the_clock(django_capture_on_commit_callbacks):
    make_inventory()
    breach = make_breach()
    _notify(breach, timedelta(hours=2))
    with django_capture_on_commit_callbacks():
        assert deadlines_sweep(now=MONDAY + timedelta(hours=80)).breaches == 0
    breach.refresh_from_db()
    assert breach.deadline_breached_at is None


def test_affected_subjects_follow_the_purposes_using_the_breached_systems():
    make_inventory()
    purposes = make_catalogue()
    # Before the breach happened (5 hours before its detection on MONDAY).
    marketing_customers = customers_with(purposes["marketing"], 2, now=MONDAY - timedelta(days=1))
    bystander = make_customer()
    # CRM holds marketing data, only for customers who consented to marketing.
    crm_breach = make_breach(systems=["crm"], categories=["contact"])
    assert set(breach_affected_subjects(crm_breach)) == set(marketing_customers)
    # Core banking serves a contract purpose: every customer's data is there.
    core_breach = make_breach(systems=["core_banking"], categories=["accounts"])
    assert bystander in set(breach_affected_subjects(core_breach))


def test_the_dpo_decides_to_tell_customers_whatever_the_category(django_capture_on_commit_callbacks):
    make_inventory()
    purposes = make_catalogue()
    customers_with(purposes["marketing"], 2)
    identity = make_breach(systems=["core_banking"], categories=["identity"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=identity.pk)
    identity.refresh_from_db()
    assert identity.customer_notice_decision == "notify"
    assert identity.customers_notified_at is not None
    financial = make_breach(systems=["core_banking"], categories=["accounts"])
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=financial.pk)
        services.breach_customers_notify(actor=DPO, breach_id=financial.pk)
    # Two marketing customers (made by customers_with) and nobody else exist: each is told once per breach.
    messages = OutboxMessage.objects.filter(topic="regulator.breach.customer_notice")
    assert messages.filter(dedupe_key__startswith=f"breach:{financial.pk}:").count() == 2
    assert {m.kind for m in messages} == {"email"}
    financial.refresh_from_db()
    assert financial.customers_notified == 2


def test_closing_is_a_one_way_move():
    make_inventory()
    breach = make_breach(categories=["identity"])  # no customer to tell: the machine alone
    with pytest.raises(Conflict):
        services.breach_close(actor=DPO, breach_id=breach.pk)
    _notify(breach, timedelta(hours=2))
    services.breach_close(actor=DPO, breach_id=breach.pk, now=MONDAY + timedelta(days=9))
    with pytest.raises(Conflict):
        _notify(breach, timedelta(days=10), new_facts="x")


def test_not_telling_customers_is_a_decision_with_its_reason():
    make_inventory()
    make_catalogue()
    breach = make_breach(systems=["crm"], categories=["contact"])
    with pytest.raises(InvalidInput):
        services.breach_customers_not_notify(actor=DPO, breach_id=breach.pk, reason="  ")
    decided = services.breach_customers_not_notify(
        actor=DPO, breach_id=breach.pk, reason="Dữ liệu đã mã hoá, khoá không bị lộ."
    )
    assert (decided.customer_notice_decision, decided.customer_notice_reason) == (
        "not_notify",
        "Dữ liệu đã mã hoá, khoá không bị lộ.",
    )
    assert AuditEntry.objects.filter(action="regulator.breach.customers_not_notified").exists()
    with pytest.raises(Conflict):
        services.breach_customers_notify(actor=DPO, breach_id=breach.pk)


def test_the_breach_clock_cites_the_bank_policys_breach_section():
    from deadlines.models import DeadlinePolicy

    row = DeadlinePolicy.objects.get(regime="bank", request_type="breach_notification")
    assert row.legal_reference == "Mục 10 Chính sách bảo vệ dữ liệu cá nhân của ngân hàng"
