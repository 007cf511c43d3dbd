"""A recipient's duty to stop processing after a withdrawal, and the history of its moves."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consents.models.catalogue import Recipient
from consents.models.records import Consent
from core.states import StatefulModel, StatusChange


class WithdrawalDuty(StatefulModel):
    """A recipient's duty to stop processing after a withdrawal, due by the bank's committed deadline."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("status", "Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="duties")
    subject = models.ForeignKey("subjects.DataSubject", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="duties")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    notice_message_id = models.UUIDField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_label = models.CharField(max_length=150, blank=True)
    acknowledgement_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("withdrawal duty")
        verbose_name_plural = _("withdrawal duties")
        ordering = ["due_at"]
        permissions = [("acknowledge_withdrawalduty", _("Can acknowledge a recipient's withdrawal duty"))]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "recipient"],
                condition=models.Q(status="open"),
                name="one_open_duty_per_withdrawal_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(acknowledged_at__isnull=False),
                name="duty_acknowledged_has_time",
            ),
        ]
        indexes = [models.Index(fields=["due_at"], condition=models.Q(status="open"), name="duty_open_due")]


class WithdrawalDutyStatusChange(StatusChange):
    """One move of a withdrawal duty along `consents.states.DUTY_MACHINE`, written by `duty_transition`."""

    duty = models.ForeignKey(WithdrawalDuty, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("withdrawal duty status change")
