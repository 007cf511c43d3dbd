"""What the bank files with the authority (A05): the breach register with its notification phases,
and the impact-assessment dossiers with their versions.

A breach notification phase and a dossier version are written once and never changed: they are what
the bank sent, so the register can show exactly which facts the authority had at which time.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.states import StatusChange, status_has_time
from deadlines.models import DeadlineRegime
from regulator.states import BreachStatus, DossierStatus


class CustomerNotice(models.TextChoices):
    """The DPO's decision whether the affected customers are told, for any category of data."""

    NOTIFY = "notify", _("Customers are told")
    NOT_NOTIFY = "not_notify", _("Customers are not told (reason recorded)")


# The largest count of affected people or records: the integer column's limit on PostgreSQL. A bigger
# number is a typing mistake, and would fail the write with a 500.
AFFECTED_COUNT_MAX = 2_147_483_647
# Which notification deadline an open breach has passed (`Breach.deadline_passed`).
STATUTORY_PASSED, COMMITMENT_PASSED = "statutory", "commitment"
# What Form 08 asks of the initial notification (sections 4-6) that may not be known yet: each is given,
# or said to follow in a later phase (Law 91 Art. 23 allows notifying in phases).
BREACH_TO_FOLLOW_ITEMS = {
    "counts": _("the counts of data subjects and records"),
    "likely_consequences": _("the likely consequences"),
    "measures_taken": _("the measures taken"),
}


class Breach(models.Model):
    """A personal-data breach, recorded when detected. The law's 72 hours run from `detected_at`
    under Law 91 and from `occurred_at` (the violation) under Decree 13 (`regulator.policy`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("what happened (short)"), max_length=200)
    description = models.TextField(_("description"))
    occurred_at = models.DateTimeField(_("occurred at"))
    detected_at = models.DateTimeField(_("detected at"))
    systems = models.ManyToManyField("dsr.System", verbose_name=_("systems"), related_name="breaches")
    categories = models.ManyToManyField(
        "dsr.DataCategory", verbose_name=_("data categories"), related_name="breaches"
    )
    subjects_affected = models.PositiveIntegerField(_("number of data subjects affected"), default=0)
    records_affected = models.PositiveIntegerField(_("number of records affected"), default=0)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    likely_consequences = models.TextField(_("likely consequences"), blank=True)
    # The two facts the affected customers read (`regulator/email/breach_customer`) written again for
    # those who read English; blank, they read the Vietnamese above. Form 08 gives the authority those.
    likely_consequences_en = models.TextField(_("likely consequences (English)"), blank=True)
    measures_taken_en = models.TextField(_("measures taken (English)"), blank=True)
    # What happened as the affected customers read it, in plain words: `description` is the bank's
    # account for the authority (Form 08) and may name systems, suppliers or the attack. Required before
    # the customers are mailed (`breach_customers_notify_start`).
    customer_description = models.TextField(_("what happened, for the customers"), blank=True)
    customer_description_en = models.TextField(_("what happened, for the customers (English)"), blank=True)
    status = models.CharField(max_length=16, choices=BreachStatus.choices, default=BreachStatus.OPEN)
    # From the deadline policy (type breach_notification): `statutory_due_at` is the law's deadline, the
    # earliest of the regimes that apply (`statutory_regime`), and `notify_due_at` the date that binds,
    # the earlier of the bank's own commitment and the law's. Pages, reminders and the breach mark read
    # `notify_due_at`; what goes to the authority (Form 08's due time and lateness) reads the law's.
    notify_due_at = models.DateTimeField(_("notify the authority by"))
    statutory_due_at = models.DateTimeField(null=True, blank=True)
    statutory_regime = models.CharField(
        _("statutory regime"), max_length=20, choices=DeadlineRegime.choices, blank=True
    )
    # Set by the deadline machinery's sweep (core.clocks) when the deadline passed while still open.
    deadline_breached_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    customers_notified_at = models.DateTimeField(null=True, blank=True)
    customers_notified = models.PositiveIntegerField(default=0)
    # The latest mailing to the affected customers, run as a background job (#17).
    customers_job = models.ForeignKey(
        "integrations.BackgroundJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_notice_decision = models.CharField(
        _("customers told?"), max_length=12, choices=CustomerNotice.choices, blank=True
    )
    # Why the customers are not told (e.g. the leaked data was encrypted and the key is safe).
    customer_notice_reason = models.TextField(_("reason for not telling customers"), blank=True)
    customer_notice_decided_at = models.DateTimeField(null=True, blank=True)
    customer_notice_decided_by_label = models.CharField(max_length=150, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-detected_at"]
        permissions = [
            ("manage_breach", _("Can record breaches and notify the authority")),
            ("view_regulator", _("Can view regulator filings")),
            ("manage_dossier", _("Can edit and file impact-assessment dossiers")),
            ("manage_announcement", _("Can schedule and send notice-change announcements")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(detected_at__gte=models.F("occurred_at")),
                name="breach_detected_after_occurred",
            ),
            status_has_time("notified", "notified_at", name="breach_notified_has_time"),
        ]
        indexes = [
            models.Index(fields=["notify_due_at"], condition=models.Q(status="open"), name="breach_open_due"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def customer_notice_key(self) -> str:
        """The notifier's dedupe prefix of this breach's notices (`breach:<id>`, then `:<customer>`): one
        notice per customer, and how the proof of who was told finds them again."""
        return f"breach:{self.pk}"

    @property
    def authority_due_at(self) -> datetime:
        """The deadline the authority judges the notification by: the law's (Law 91 Art. 23), not the
        bank's stricter commitment; the binding one for a breach recorded before the law's was stored."""
        return self.statutory_due_at or self.notify_due_at

    def is_late(self, at: datetime) -> bool:
        """Whether a notification made at `at` would be late in the authority's eyes."""
        return at > self.authority_due_at

    def is_past_commitment(self, at: datetime) -> bool:
        """Whether `at` is after the deadline that binds the bank, its own commitment when stricter."""
        return at > self.notify_due_at

    def deadline_passed(self, at: datetime) -> str | None:
        """Which deadline an open breach's notification has passed at `at`, as the breach's page and the
        register both say it: `STATUTORY_PASSED` when it would be late in the authority's eyes
        (`is_late`), else `COMMITMENT_PASSED` when only the bank's own stricter deadline went by; None
        when neither has, or once the breach is notified."""
        if self.status != BreachStatus.OPEN:
            return None
        if self.is_late(at):
            return STATUTORY_PASSED
        return COMMITMENT_PASSED if self.is_past_commitment(at) else None


class BreachNotification(models.Model):
    """One phase of the notification to the authority: the Form 08 document as it was submitted."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial notification")
        FOLLOW_UP = "follow_up", _("Follow-up")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="phases")
    phase = models.PositiveSmallIntegerField(_("phase"))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    submitted_at = models.DateTimeField(_("submitted at"))
    late = models.BooleanField(default=False)
    late_reason = models.TextField(_("reason for lateness"), blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    new_facts = models.TextField(_("facts added in this phase"), blank=True)
    document = models.JSONField()
    submitted_by_label = models.CharField(max_length=150)

    class Meta:
        verbose_name = _("breach notification phase")
        ordering = ["breach_id", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "phase"], name="breach_phase_once"),
            # Law 91 Art. 23: a notification after 72 hours states why it is late.
            models.CheckConstraint(
                condition=models.Q(late=False) | ~models.Q(late_reason=""), name="late_phase_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"BreachNotification {self.breach_id} #{self.phase}"


class DossierKind(models.TextChoices):
    PROCESSING = "processing", _("Processing impact assessment")
    TRANSFER = "transfer", _("Cross-border transfer impact assessment")


class Dossier(models.Model):
    """The impact-assessment dossier of one purpose (or one cross-border transfer to one recipient),
    due with the authority within 60 days of the processing or transfer starting."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=DossierKind.choices)
    purpose = models.ForeignKey("consents.Purpose", on_delete=models.PROTECT, related_name="dossiers")
    # Set for a transfer dossier: the foreign recipient; null for a processing dossier.
    recipient = models.ForeignKey(
        "consents.Recipient", null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    started_at = models.DateTimeField(_("processing or transfer started"))
    due_at = models.DateTimeField(_("file by"))
    status = models.CharField(max_length=16, choices=DossierStatus.choices, default=DossierStatus.DRAFT)
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_version = models.PositiveIntegerField(null=True, blank=True)
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    current_version = models.PositiveIntegerField(default=0)
    # The DPO's own assessment text (risks, safeguards), kept across regenerations from the catalogue.
    assessment = models.TextField(_("risk assessment and safeguards"), blank=True)
    # Set by the deadline machinery's sweep (core.clocks) when the deadline passed while still open.
    deadline_breached_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("impact-assessment dossier")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "purpose"],
                condition=models.Q(recipient__isnull=True),
                name="dossier_per_purpose",
            ),
            models.UniqueConstraint(
                fields=["kind", "purpose", "recipient"],
                condition=models.Q(recipient__isnull=False),
                name="dossier_per_transfer",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="processing", recipient__isnull=True)
                | models.Q(kind="transfer", recipient__isnull=False),
                name="dossier_transfer_names_recipient",
            ),
            status_has_time("filed", "filed_at", name="dossier_filed_has_time"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(status="draft"), name="dossier_draft_due"),
        ]

    def __str__(self) -> str:
        return f"Dossier {self.kind} {self.purpose_id}"


class DossierVersion(models.Model):
    """One version of a dossier's document; the change log is the list of versions and their notes."""

    class Cause(models.TextChoices):
        CREATED = "created", _("Created from the catalogue")
        CATALOGUE = "catalogue", _("The catalogue changed")
        EDITED = "edited", _("Edited by the DPO")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    cause = models.CharField(max_length=16, choices=Cause.choices)
    note = models.CharField(_("change note"), max_length=500, blank=True)
    changed_fields = models.JSONField(default=list)
    # A digest of the catalogue facts; a new version is written only when it differs.
    fingerprint = models.CharField(max_length=64)
    content = models.JSONField()
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=150)

    class Meta:
        verbose_name = _("dossier version")
        ordering = ["dossier_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["dossier", "version"], name="dossier_version_once")]

    def __str__(self) -> str:
        return f"DossierVersion {self.dossier_id} v{self.version}"


class ProcessingActivity(models.Model):
    """Where one purpose's data lives: the systems and data categories it uses, whose data it is and
    how it is protected. The record of processing activities, the dossiers and the breach's list of
    affected customers are all built from these rows and the purpose catalogue."""

    purpose = models.OneToOneField("consents.Purpose", on_delete=models.PROTECT, related_name="activity")
    systems = models.ManyToManyField("dsr.System", verbose_name=_("systems"), related_name="activities")
    categories = models.ManyToManyField(
        "dsr.DataCategory", verbose_name=_("data categories"), related_name="activities"
    )
    data_subjects = models.CharField(
        _("whose data"), max_length=200, default="customers", help_text=_("e.g. customers, guarantors")
    )
    security_measures = models.TextField(_("security measures"), blank=True)
    # When the processing (or transfer) started: the 60-day dossier clock runs from here.
    started_at = models.DateTimeField(_("processing started"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        ordering = ["purpose__code"]

    def __str__(self) -> str:
        return f"ProcessingActivity {self.purpose_id}"


class BreachStatusChange(StatusChange):
    """One move of a breach along `regulator.states.BREACH_MACHINE`, written by `breach_transition`."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("breach status change")


class DossierStatusChange(StatusChange):
    """One move (a filing) along `regulator.states.DOSSIER_MACHINE`, written by `dossier_transition`."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("dossier status change")


class RecordReview(models.Model):
    """The DPO's periodic (year-end) review of the record of processing activities: who reviewed it,
    when, what they found (purposes no longer used, recipients or transfers that ended...), and the
    record it was done on (its number of entries and fingerprint), so an inspector sees the review was
    done and on which register."""

    reviewed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("findings"))
    entries = models.PositiveIntegerField()
    record_fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("review of the record of processing activities")
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"RecordReview {self.pk} at {self.reviewed_at.isoformat()}"
