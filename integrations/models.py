"""What connects the platform to other systems: API tokens, idempotency records, webhook endpoints
and the outbox of notices waiting to be delivered. Tables keep their original `core_` names."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import (
    EncryptedCharField,
    EncryptedTextField,
)

from integrations.states import JobStatus

# A token scope naming one purpose an integration client serves: `purpose:<code>`.
PURPOSE_SCOPE_PREFIX = "purpose:"


class ApiToken(models.Model):
    """A bearer token for an integration client or a staff script. Only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    # Scopes narrow what the token may do inside its user's role; "*" keeps the whole role.
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The moment the token stops: the end of its last day in Vietnam (`token_issue`); None never ends.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "core_apitoken"
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"ApiToken {self.prefix}… user={self.user_id}"

    def allows(self, scope: str | None) -> bool:
        """Whether the token may call an endpoint needing `scope`; an endpoint that names no scope
        takes only a token holding the whole role ("*")."""
        return "*" in self.scopes or (scope is not None and scope in self.scopes)

    @property
    def last_day(self) -> date | None:
        """The last (local) day the token works, or None."""
        if self.expires_at is None:
            return None
        return timezone.localdate(self.expires_at - timedelta(microseconds=1))

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def live(self, now: datetime) -> bool:
        """Whether the token works at `now`: neither revoked nor past its last day."""
        return self.revoked_at is None and not self.expired(now)

    def ends_within(self, period: timedelta, now: datetime) -> bool:
        """Whether a live token stops within `period` from `now` (and has not yet)."""
        return (self.revoked_at is None and self.expires_at is not None
                and now < self.expires_at <= now + period)

    def purposes_served(self) -> frozenset[str] | None:
        """The purpose codes this token is limited to by its `purpose:<code>` scopes (a marketing
        platform's token: the marketing purposes), or None when it names none: every purpose."""
        codes = frozenset(
            scope.removeprefix(PURPOSE_SCOPE_PREFIX) for scope in self.scopes
            if scope.startswith(PURPOSE_SCOPE_PREFIX)
        )
        return codes or None


class IdempotencyRecord(models.Model):
    """The first definitive answer to a POST sent with an Idempotency-Key, replayed to any retry: a
    success, or a refusal the request caused (`integrations.api.idempotency`).

    The claim, the write and the answer commit in one transaction, so a record always has its answer.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    # The access the answer was given under (`idempotency.REPLAY_ACCESS`), keyed like the fingerprint
    # (a staff reason is free text); empty for an answer that shows every caller the same.
    access_fingerprint = models.CharField(max_length=64, blank=True, default="")
    response_status = models.PositiveSmallIntegerField(null=True)
    # The answer as JSON text. Encrypted (and so re-encrypted by key rotation) because answers carry
    # personal data, e.g. the national ID of a customer just created; None once erased.
    response_body = EncryptedTextField(null=True)
    # The customer the answer is about (from the write's audit entry), so that erasure reaches it.
    subject_id = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_idempotencyrecord"
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"IdempotencyRecord {self.pk}"


class WebhookEndpoint(models.Model):
    """Where an integration client (or a recipient's system) receives signed event notices."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    # The HMAC-SHA256 signing secret; encrypted because anyone holding it can forge notices.
    secret = EncryptedCharField(max_length=128)
    # After a rotation the old secret still signs (a second header) until the receiver has switched.
    previous_secret = EncryptedCharField(max_length=128, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    events = models.JSONField(default=list, help_text=_("Event topics to deliver; empty means all."))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_webhookendpoint"
        verbose_name = _("webhook endpoint")

    def __str__(self) -> str:
        return f"WebhookEndpoint {self.pk} {self.name}"

    def takes(self, topic: str) -> bool:
        """Whether the endpoint subscribes to `topic`, switched on or not."""
        return not self.events or topic in self.events

    def wants(self, topic: str) -> bool:
        return self.active and self.takes(topic)

    def previous_secret_at(self, now) -> str:
        """The rotated-out secret while its grace period lasts, else ""."""
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            return self.previous_secret
        return ""


# Messages to a person's own address (the customer's e-mail or phone, a staff member's e-mail): their
# address and body are personal data, emptied with the customer's erasure or after a while
# (`integrations.outbox`). Webhooks go to systems and carry ids and the customer number.
PERSONAL_KINDS = ("email", "sms")
# Why a webhook waits, parked, for its endpoint: switching the endpoint on again sends it
# (`outbox_resume_endpoint`), while what its retries parked stays the DPO's to look at.
ENDPOINT_PAUSED = "endpoint switched off: sent when it is switched on again"


class OutboxMessage(models.Model):
    """A webhook, e-mail or SMS written in the same transaction as the change it reports, and delivered
    afterwards by Celery with retries, so nothing is lost while the broker or the receiver is down."""

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        PARKED = "parked", _("Parked for a person (retries exhausted)")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    topic = models.CharField(max_length=100, db_index=True)
    endpoint = models.ForeignKey(WebhookEndpoint, null=True, blank=True, on_delete=models.PROTECT)
    # E-mail addresses and message bodies are personal data: encrypted like the rest.
    destination = EncryptedCharField(max_length=500, blank=True)
    payload = EncryptedTextField(help_text=_("JSON body of the webhook, or the rendered e-mail."))
    # Set by the producer so the same notice is never queued twice (e.g. "withdrawal:<id>:recipient:<id>");
    # unique through OutboxDedupeKey, since a partitioned table's unique keys must include created_at.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, db_index=True)  # noqa: DJ001
    subject_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the address and the body of an e-mail or SMS were emptied: with the customer's personal data
    # (`outbox_erase`), or OUTBOX_CONTENT_KEPT_DAYS after it was sent or cancelled (`outbox_purge_delivered`).
    content_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "core_outboxmessage"
        verbose_name = _("outbox message")
        permissions = [("manage_outbox", _("Can see and retry parked messages"))]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_pending_due"
            ),
            # The nightly purge's look-up (`integrations.outbox_retention.outbox_purge_delivered`): e-mails
            # and SMS whose address and body are still kept, by age. Emptied ones (most of the table) and
            # webhooks, which are never emptied, stay out of it.
            models.Index(
                fields=["created_at"],
                condition=models.Q(content_erased_at__isnull=True, kind__in=PERSONAL_KINDS),
                name="outbox_content_kept",
            ),
            # The DPO's page of parked messages, the newest first (`integrations.outbox.outbox_parked`): the
            # few parked among millions sent.
            models.Index(
                fields=["-created_at", "-id"], condition=models.Q(status="parked"), name="outbox_parked"
            ),
            # An endpoint's delivery log, the newest first (`integrations.selectors.webhook_deliveries`).
            models.Index(fields=["endpoint", "-created_at", "-id"], name="outbox_endpoint_latest"),
        ]

    def __str__(self) -> str:
        return f"OutboxMessage {self.pk} {self.kind} {self.topic} {self.status}"

    @property
    def redeliverable(self) -> bool:
        """Whether the DPO may send it again: not once the platform cancelled it because it no longer
        held (`integrations.webhooks.webhook_delivery_redeliver`)."""
        return self.status != self.Status.CANCELLED


class OutboxDedupeKey(models.Model):
    """One row per de-duplication key ever queued: the unique index that stops a second copy.

    It lives apart from the messages because those are partitioned by month on PostgreSQL, where a
    unique key must include the partition column and so could not be unique across months.
    """

    key = models.CharField(max_length=200, primary_key=True)
    message_id = models.UUIDField()

    def __str__(self) -> str:
        return f"OutboxDedupeKey {self.message_id}"


class BackgroundJob(models.Model):
    """Long work a person started that runs on a Celery worker (a CSV import, an export...).

    Lives in integrations, below every business app, so consents and dsr can both run work through
    it while it imports neither: `kind` is the Celery task name that carries the job on. The input
    file is kept in a private directory under VAR_DIR (never MEDIA, never served) and deleted when
    the job ends. `cursor` is the last input line whose effects are committed; it is written in the
    same transaction as those effects, so a worker killed mid-job resumes after it, never before.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=100)
    status = models.CharField(
        max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    input_path = models.CharField(max_length=500, blank=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    cursor = models.PositiveIntegerField(default=0)
    # [{"line": 12, "reason": "..."}], capped by the job's runner.
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]

    def __str__(self) -> str:
        return f"BackgroundJob {self.pk} {self.kind} {self.status}"
