"""Customer notifications: each customer's preferred channels, and the record of every message sent to
a customer (which channels were tried, when, and whether each delivered or failed), which is also the
customer's in-app inbox."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField

from subjects.models import DataSubject


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    INBOX = "inbox", _("In-app inbox")


class NotificationPreference(models.Model):
    """The channels a customer wants to be reached on, in order; the inbox is always the last resort."""

    subject = models.OneToOneField(
        DataSubject, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")

    def __str__(self) -> str:
        return f"NotificationPreference subject={self.subject_id}"


class Notification(models.Model):
    """One message to a customer, whatever channel carries it. The text is rendered when shown or sent,
    from `template` and `context` (encrypted: it may quote the customer) in `language`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed on every channel")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Looked up by the `notification_by_subject` index (subject first), not one of its own.
    subject = models.ForeignKey(
        DataSubject, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    topic = models.CharField(max_length=100)
    template = models.CharField(max_length=200)
    context = EncryptedTextField()
    language = models.CharField(max_length=8)
    dedupe_key = models.CharField(max_length=200, unique=True)
    # The channels to try, in order, fixed when the message was queued.
    channels = models.JSONField(default=list)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        indexes = [
            models.Index(fields=["subject", "-created_at"], name="notification_by_subject"),
            models.Index(
                fields=["subject"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk} {self.topic} {self.channel} {self.status}"


class NotificationAttempt(models.Model):
    """One channel tried for one message: the record of what was sent, how and when, and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="attempts")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The outbox message carrying it (e-mail, SMS); none for the inbox.
    outbox_message_id = models.UUIDField(null=True, blank=True, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # What went wrong, as the outbox words it (a code, never an address or the text).
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification attempt")

    def __str__(self) -> str:
        return f"NotificationAttempt {self.pk} {self.channel} {self.status}"
