"""Which law times a breach notification, and from when: Decree 13 (to 2025-12-31) counts its 72 hours
from the violation, Law 91 and Decree 356 (from 2026-01-01) from the detection. The deadline shown,
enforced and written into Form 08 is the earlier of every clock that applies."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from deadlines.clocks import deadlines_sweep
from deadlines.models import DeadlineBreach, DeadlinePolicy
from regulator import services
from regulator.models import Breach
from regulator.policy import BREACH_NOTIFICATION
from tests.regulator.factories import DPO, make_breach, make_inventory

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.mark.parametrize(
    ("occurred", "detected", "clock_from", "regime"),
    [
        # Occurred and detected under Decree 13: 72 hours after the violation.
        (local(2025, 12, 20, 10, 0), local(2025, 12, 28, 10, 0), "occurred", "vn_decree13"),
        # Occurred and detected under Law 91: 72 hours after the detection.
        (local(2026, 3, 1, 22, 0), local(2026, 3, 3, 8, 30), "detected", "vn_law91"),
    ],
)
def test_the_law_in_force_times_the_72_hours_from_its_own_start(occurred, detected, clock_from, regime):
    make_inventory()
    breach = make_breach(occurred_at=occurred, detected_at=detected)
    start = {"occurred": occurred, "detected": detected}[clock_from]
    assert (breach.statutory_due_at, breach.statutory_regime) == (start + timedelta(hours=72), regime)
    # The date staff, the sweeper and Form 08 read is the earlier one: under Decree 13 the law's, not
    # the bank's 72 hours from the detection.
    assert breach.notify_due_at == start + timedelta(hours=72)


def test_a_violation_under_decree_13_detected_under_law_91_takes_the_earlier_of_both_clocks():
    """Decree 13's duty arose with the violation, Law 91's with the detection: both apply, the
    strictest binds."""
    make_inventory()
    occurred, detected = local(2025, 12, 31, 20, 0), local(2026, 1, 1, 8, 0)
    breach = make_breach(occurred_at=occurred, detected_at=detected)
    assert breach.statutory_due_at == occurred + timedelta(hours=72)
    assert breach.statutory_regime == "vn_decree13"
    # A later detection moves only Law 91's clock; Decree 13's stays at the violation.
    late = make_breach(occurred_at=occurred, detected_at=local(2026, 1, 2, 8, 0), title="Second")
    assert late.statutory_due_at == occurred + timedelta(hours=72)


def test_a_decree_13_deadline_already_past_when_recorded_shows_and_counts_as_overdue(client, dpo):
    make_inventory()
    occurred, detected = local(2025, 12, 20, 10, 0), local(2025, 12, 28, 10, 0)
    recorded = detected + timedelta(hours=1)
    breach = make_breach(occurred_at=occurred, detected_at=detected, now=recorded)
    assert breach.is_late(recorded)
    # The sweeper marks it at its next run, with the deadline of the law.
    assert deadlines_sweep(now=recorded + timedelta(minutes=1)).breaches == 1
    marked = DeadlineBreach.objects.get(source="regulator.breach")
    assert marked.due_at == occurred + timedelta(hours=72)
    breach.refresh_from_db()
    assert breach.deadline_breached_at == recorded + timedelta(minutes=1)
    # The initial notification is late and must say why.
    with pytest.raises(InvalidInput) as refused:
        services.breach_notify(actor=DPO, breach_id=breach.pk, now=recorded + timedelta(hours=2))
    assert refused.value.field == "late_reason"
    phase = services.breach_notify(
        actor=DPO, breach_id=breach.pk, late_reason="Phát hiện muộn", now=recorded + timedelta(hours=2)
    )
    assert phase.late is True
    timeline = {event["event"]: event["at"] for event in phase.document["timeline"]}
    assert timeline["notification_due"] == (occurred + timedelta(hours=72)).isoformat()


def test_the_register_shows_the_law_s_date_and_its_regime(client, dpo):
    make_inventory()
    occurred, detected = local(2025, 12, 20, 10, 0), local(2025, 12, 28, 10, 0)
    breach = make_breach(occurred_at=occurred, detected_at=detected)
    client.force_login(dpo)
    listing = client.get(reverse("regulator:breach_list")).content.decode()
    assert "23/12/2025 10:00" in listing and "31/12/2025 10:00" not in listing
    page = client.get(reverse("regulator:breach_detail", args=[breach.pk]))
    assert page.context["late_now"] is True
    body = page.content.decode()
    statutory = re.search(r'data-testid="statutory-due">(.*?)</dd>', body).group(1)
    assert "23/12/2025 10:00" in statutory and "Decree 13/2023/ND-CP" in statutory


def test_the_clock_start_is_the_policy_row_s_data():
    """Decree 13's row starts at the violation because the table says so: set back to the detection,
    its clock runs from there."""
    make_inventory()
    row = DeadlinePolicy.objects.get(regime="vn_decree13", request_type=BREACH_NOTIFICATION)
    assert row.clock_start == "occurred"
    assert DeadlinePolicy.objects.get(regime="vn_law91", request_type=BREACH_NOTIFICATION).clock_start == (
        "received"
    )
    row.clock_start = "received"
    row.save(update_fields=["clock_start"])
    occurred, detected = local(2025, 12, 20, 10, 0), local(2025, 12, 28, 10, 0)
    breach = make_breach(occurred_at=occurred, detected_at=detected)
    assert breach.statutory_due_at == detected + timedelta(hours=72)
    assert Breach.objects.count() == 1
