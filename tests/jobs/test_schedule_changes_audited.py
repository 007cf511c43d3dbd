"""The auditor lists the year's changes to the reminder thresholds from the trail and checks each. A
threshold's entry said only where it ended up (`active`), never whether it changed: adding a threshold
already on, or switching off one already off, wrote a 'changed' entry though nothing changed, so the
trail's count of changes did not match what happened."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from core.actors import Actor
from deadlines import schedules

pytestmark = pytest.mark.django_db
DPO = Actor(kind="staff", user_id=None, label="dpo")


def _entries() -> list[dict]:
    entries = AuditEntry.objects.filter(action="core.schedule.changed").order_by("sequence")
    return [entry.data for entry in entries]


def test_a_threshold_switched_records_before_and_after_and_a_repeat_records_nothing():
    threshold = schedules.reminder_threshold_add(actor=DPO, hours_before=48)
    schedules.reminder_threshold_add(actor=DPO, hours_before=48)  # already on
    schedules.reminder_threshold_set_active(actor=DPO, threshold_id=threshold.pk, active=False)
    schedules.reminder_threshold_set_active(actor=DPO, threshold_id=threshold.pk, active=False)  # already off

    entries = _entries()

    assert [entry["active"] for entry in entries] == [
        {"before": None, "after": True}, {"before": True, "after": False}
    ]
