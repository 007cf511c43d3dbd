"""Data subjects, customer accounts, API tokens and idempotency records.

Personal data is encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256) by
django-encrypted-model-fields. Searchable values carry a blind index beside the ciphertext.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedTextField,
)


class Language(models.TextChoices):
    """The languages the platform speaks (settings.LANGUAGES); e-mails go out in the recipient's one.

    Labels are each language's own name, as on the language switch."""

    VI = "vi", _("Tiếng Việt")
    EN = "en", _("English")


class DataSubject(models.Model):
    """An individual customer of the bank whose personal data the platform protects."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    external_ref = models.CharField(_("customer number (CIF)"), max_length=64, unique=True)
    full_name = EncryptedCharField(_("full name"), max_length=200)
    national_id = EncryptedCharField(_("citizen ID (CCCD)"), max_length=12, blank=True)
    national_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    passport_number = EncryptedCharField(_("passport number"), max_length=20, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=15, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = EncryptedEmailField(_("e-mail"), blank=True)
    email_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = EncryptedTextField(_("address"), blank=True)
    guardian = models.ForeignKey(
        "self", verbose_name=_("guardian"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="wards",
    )
    # A guardian acts for a child only after their authority (birth certificate, court order) is checked.
    guardian_verified_at = models.DateTimeField(_("guardian authority verified at"), null=True, blank=True)
    # Not personal data: the language the bank writes to the customer in (see core.languages).
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.VI
    )
    # Retention periods that run from the end of the relationship (AML: 5 years) start on this date;
    # while it is empty the relationship is open and such a hold has no end date yet.
    relationship_ended_on = models.DateField(_("relationship ended on"), null=True, blank=True)
    # With no date of birth a customer is not assumed adult for purposes barred to children; an eKYC
    # check that established adulthood stands in for the missing date.
    adult_verified = models.BooleanField(_("adult status verified by eKYC"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data subject")
        verbose_name_plural = _("data subjects")
        ordering = ["external_ref"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("id")), name="subject_not_own_guardian"
            ),
        ]

    def __str__(self) -> str:
        return f"DataSubject {self.external_ref}"


class CustomerAccount(models.Model):
    """Links a self-service login to the one data subject it may see and act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_account"
    )
    subject = models.OneToOneField(DataSubject, on_delete=models.CASCADE, related_name="customer_account")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer account")

    def __str__(self) -> str:
        return f"CustomerAccount user={self.user_id}"


class StaffProfile(models.Model):
    """A staff member's settings beyond sign-in: the language of the e-mails the platform sends them.

    Created on the first change; a staff member without one gets the site default (core.languages)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.VI
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("staff profile")

    def __str__(self) -> str:
        return f"StaffProfile user={self.user_id}"


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

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"ApiToken {self.prefix}… user={self.user_id}"

    def allows(self, scope: str | None) -> bool:
        return scope is None or "*" in self.scopes or scope in self.scopes


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an Idempotency-Key, replayed to any retry."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
    events = models.JSONField(default=list, help_text=_("Event topics to deliver; empty means all."))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")

    def __str__(self) -> str:
        return f"WebhookEndpoint {self.pk} {self.name}"

    def wants(self, topic: str) -> bool:
        return self.active and (not self.events or topic in self.events)


class OutboxMessage(models.Model):
    """A webhook or e-mail written in the same transaction as the change it reports, and delivered
    afterwards by Celery with retries, so nothing is lost while the broker or the receiver is down."""

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        EMAIL = "email", _("E-mail")

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
    # Set by the producer so the same notice is never queued twice (e.g. "withdrawal:<id>:recipient:<id>").
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    subject_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="outbox_pending_due"
            ),
        ]

    def __str__(self) -> str:
        return f"OutboxMessage {self.pk} {self.kind} {self.topic} {self.status}"


# ---------------------------------------------------------------------------- deadline policy
# Core holds the deadline policy because both the consents area (the 72-hour withdrawal duty) and the
# requests area need it, and consents must not import dsr.


class RequestType(models.TextChoices):
    """The rights a data subject exercises (Law 91/2025/QH15 Art. 4; Decree 13/2023 Art. 9)."""

    ACCESS = "access", _("Access to personal data")
    COPY = "copy", _("Copy of personal data")
    RECTIFY = "rectify", _("Rectification")
    DELETE = "delete", _("Deletion")
    RESTRICT = "restrict", _("Restriction of processing")
    OBJECT = "object", _("Objection to processing")
    WITHDRAW = "withdraw", _("Withdrawal of consent")
    COMPLAINT = "complaint", _("Complaint or protective measures")


class FilingType(models.TextChoices):
    """The bank's own filings with the authority that the deadline policy times."""

    # Law 91/2025/QH15 Art. 23: notify A05 of a personal-data breach within 72 hours.
    BREACH_NOTIFICATION = "breach_notification", _("Breach notification to the authority (A05)")
    # Law 91/2025/QH15 Arts. 20-21: file the impact assessment within 60 days.
    IMPACT_ASSESSMENT = "impact_assessment", _("Impact-assessment filing")


# Every clock the deadline policy times: the data-subject request types (members, values and labels
# of `RequestType`) and the filings (`FilingType`). Only the policy table and the deadline reports use
# it; customers file `RequestType`s alone.
DeadlineType = models.TextChoices(
    "DeadlineType",
    [(member.name, (member.value, member.label)) for member in (*RequestType, *FilingType)],
    module=__name__,
)


class DeadlineRegime(models.TextChoices):
    BANK = "bank", _("Bank policy (committed deadline)")
    VN_LAW_91 = "vn_law91", _("Vietnam: Law 91/2025/QH15 and Decree 356/2025")
    VN_DECREE_13 = "vn_decree13", _("Vietnam: Decree 13/2023/ND-CP")
    EU_GDPR = "eu_gdpr", _("European Union: GDPR")
    CN_PIPL = "cn_pipl", _("China: PIPL and PBOC guidance")


class PeriodUnit(models.TextChoices):
    HOURS = "hours", _("calendar hours")
    DAYS = "days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("calendar months")


class DeadlinePolicy(models.Model):
    """One regime's clock for one request type, editable by the DPO.

    The `bank` regime gives the committed deadline (`due_at`); every other active regime in force on
    the day of receipt is a statutory clock, and the earliest of them is the statutory deadline.
    An empty `period` means the regime sets no period for this type (e.g. Decree 13 for complaints).
    """

    regime = models.CharField(_("regime"), max_length=20, choices=DeadlineRegime.choices)
    request_type = models.CharField(_("request type"), max_length=20, choices=DeadlineType.choices)
    period = models.PositiveIntegerField(_("period"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=PeriodUnit.choices, default=PeriodUnit.DAYS)
    processor_period = models.PositiveIntegerField(
        _("period when a processor or third party is involved"), null=True, blank=True)
    acknowledge_period = models.PositiveIntegerField(_("acknowledgement period"), null=True, blank=True)
    acknowledge_unit = models.CharField(_("acknowledgement unit"), max_length=16, choices=PeriodUnit.choices,
                                        default=PeriodUnit.WORKING_DAYS)
    extension_period = models.PositiveIntegerField(
        _("extension (once, with a reason)"), null=True, blank=True
    )
    pausable = models.BooleanField(_("clock may pause while awaiting the customer"), default=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    active = models.BooleanField(_("applies to the bank's customers"), default=True)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["regime", "request_type", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "request_type", "effective_from"],
                                    name="deadline_policy_once_per_regime_type_start"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="deadline_policy_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"DeadlinePolicy {self.regime}/{self.request_type}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday (Tết, compensatory days off)
    or a weekend day officially made a working day (make-up Saturdays)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday or day off")
        WORKING = "working", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"CalendarDay {self.date.isoformat()} {self.kind}"


# ---------------------------------------------------------------------------- deadline machinery
# Generic over every kind of clock (requests, withdrawal duties, and later breaches and impact
# assessments): an item is named by its source ("dsr.request"), its id as text and the clock
# ("due", "statutory"). See `core.clocks`.


class ReminderThreshold(models.Model):
    """How long before a deadline its owner is reminded; the DPO edits these rows.

    When no row is active the defaults of `core.clocks.DEFAULT_THRESHOLD_HOURS` apply, so an empty
    table (a fresh install, a flushed test database) still reminds.
    """

    hours_before = models.PositiveIntegerField(_("hours before the deadline"), unique=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder threshold")
        verbose_name_plural = _("reminder thresholds")
        ordering = ["-hours_before"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_before__gt=0), name="reminder_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"ReminderThreshold {self.hours_before}h"


class DeadlineReminder(models.Model):
    """The reminder ledger: one row per item, clock, threshold and deadline, written before the
    reminder is queued, so a second sweep (or a second worker) finds the row and sends nothing.

    The deadline is part of the key because a deadline that moves (pause, extension) is a new
    deadline its owner must be reminded of again.
    """

    source = models.CharField(max_length=40)
    item_id = models.CharField(max_length=64)
    clock = models.CharField(max_length=20)
    hours_before = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    # The sweep that inserted the row (which sweep sent which reminder).
    sweep_run = models.UUIDField()

    class Meta:
        verbose_name = _("deadline reminder")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "item_id", "clock", "hours_before", "due_at"], name="deadline_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"DeadlineReminder {self.source}:{self.item_id} {self.clock} -{self.hours_before}h"


class DeadlineBreach(models.Model):
    """A deadline that passed while its item was still open: recorded once per item and clock,
    audited, and escalated to the DPO."""

    source = models.CharField(max_length=40)
    item_id = models.CharField(max_length=64)
    clock = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    breached_at = models.DateTimeField(db_index=True)
    subject_id = models.UUIDField(null=True, blank=True)
    # A label without personal data ("Access request 1a2b3c4d"), for the DPO's e-mail and reports.
    label = models.CharField(max_length=150)
    sweep_run = models.UUIDField()

    class Meta:
        verbose_name = _("deadline breach")
        verbose_name_plural = _("deadline breaches")
        ordering = ["-breached_at"]
        permissions = [
            ("view_deadline_report", _("Can see the deadline reports")),
            ("manage_schedules", _("Can change reminder thresholds and report schedules")),
            ("manage_outbox", _("Can see and retry parked messages")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "item_id", "clock"], name="deadline_breach_once"),
        ]

    def __str__(self) -> str:
        return f"DeadlineBreach {self.source}:{self.item_id} {self.clock}"
