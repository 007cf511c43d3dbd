"""A new phone number or e-mail address a customer typed on their profile, waiting for the one-time
code sent to it: only a code read on the new phone or in the new mailbox makes it theirs."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField

from dsr.models.requests import DataSubjectRequest
from subjects.models import DataSubject


class ContactField(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")


class ContactChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the code")
    CONFIRMED = "confirmed", _("Confirmed")
    SUPERSEDED = "superseded", _("Replaced by a newer code")
    FAILED = "failed", _("Too many wrong codes")
    EXPIRED = "expired", _("Code expired")


class ContactChange(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(DataSubject, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=8, choices=ContactField.choices)
    # The new value is personal data: encrypted like the subject's own fields.
    value = EncryptedCharField(max_length=320)
    # A keyed hash of the code, never the code itself.
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=ContactChangeStatus.choices, default=ContactChangeStatus.PENDING
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When the change stopped waiting (confirmed, replaced, refused, found expired): the purge counts its
    # week from here. A code never typed nor replaced is settled at `expires_at` and keeps this empty.
    settled_at = models.DateTimeField(null=True, blank=True)
    # The completed rectification that recorded the change.
    request = models.ForeignKey(
        DataSubjectRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("contact change")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "field"],
                condition=models.Q(status="pending"),
                name="contact_change_one_pending_per_field",
            ),
        ]
        indexes = [models.Index(fields=["subject", "created_at"], name="contact_change_by_subject")]

    def __str__(self) -> str:
        return f"ContactChange {self.pk} {self.field} {self.status}"
