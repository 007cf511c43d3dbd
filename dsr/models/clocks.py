"""A request's clock events: every start, acknowledgement, pause, resumption, extension and breach."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.models import DeadlineRegime
from dsr.models.requests import DataSubjectRequest


class ClockEvent(models.TextChoices):
    STARTED = "started", _("Clock started")
    ACKNOWLEDGED = "acknowledged", _("Request acknowledged")
    PAUSED = "paused", _("Clock paused while awaiting the customer")
    RESUMED = "resumed", _("Clock resumed")
    EXTENDED = "extended", _("Deadline extended")
    BREACHED = "breached", _("Deadline breached")
    STOPPED = "stopped", _("Clock stopped (request closed)")
    # Law 91 / Decree 356 give longer when a processor or third party must act on this request.
    PROCESSOR = "processor", _("A processor or third party must act: statutory period lengthened")
    CALENDAR = "calendar", _("Deadlines recomputed after a change of the working-day calendar")


class RequestClockEvent(models.Model):
    """Every start, acknowledgement, pause, resumption, extension and breach of a request's clocks,
    with both deadlines as they stood after the event."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="clock_events")
    kind = models.CharField(max_length=16, choices=ClockEvent.choices)
    at = models.DateTimeField()
    due_at = models.DateTimeField()
    statutory_due_at = models.DateTimeField(null=True, blank=True)
    # The regime whose deadline `statutory_due_at` is (the request's `statutory_regime` then): an
    # extension or a processor can hand the statutory deadline from one law's clock to another's.
    statutory_regime = models.CharField(max_length=20, choices=DeadlineRegime.choices, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"RequestClockEvent {self.request_id} {self.kind}"
