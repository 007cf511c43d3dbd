"""Reads of the deadline policy table, the working-day calendar and the reminder thresholds, as the
DPO's pages list them."""
from __future__ import annotations

from django.db.models import QuerySet

from deadlines.models import CalendarDay, DeadlinePolicy, ReminderThreshold


def policy_rows() -> QuerySet[DeadlinePolicy]:
    return DeadlinePolicy.objects.order_by("regime", "request_type", "effective_from")


def policy_row_by_id(pk) -> DeadlinePolicy | None:
    return DeadlinePolicy.objects.filter(pk=pk).first()


def calendar_days() -> QuerySet[CalendarDay]:
    return CalendarDay.objects.order_by("date")


def reminder_thresholds() -> QuerySet[ReminderThreshold]:
    """The thresholds, the earliest reminder (most hours before the deadline) first."""
    return ReminderThreshold.objects.order_by("-hours_before")
