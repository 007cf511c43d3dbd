"""What fulfilling a request leaves behind: per-system tasks, exports, legal holds and deletion records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField

from core.labels import text_in_reader_language
from core.states import StatefulModel, StatusChange
from dsr.models.inventory import DataCategory, RetentionLaw, RetentionStart, System
from dsr.models.requests import DataSubjectRequest
from dsr.states import LiftReason, TaskStatus

# A system's task for a request, not one after a legal hold, that is or was work to do: one a system at
# most. A task called off (its request ended unanswered, or a hold for a dispute stopped its erasure)
# leaves room for a fresh one once the hold ends.
LIVE_SYSTEM_TASK = models.Q(hold__isnull=True) & ~models.Q(status=TaskStatus.CALLED_OFF)


class FulfilmentTask(StatefulModel):
    """One system's part of a request, marked done by staff or by the system's integration client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="tasks")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="tasks")
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    # Deletion: per data category, [{"category", "action": "erase"|"hold", "hold_until", "law"}].
    instructions = models.JSONField(default=list, blank=True)
    # Set on the erase task a system gets when a legal hold on its data ends.
    hold = models.ForeignKey(
        "LegalHold", null=True, blank=True, on_delete=models.PROTECT, related_name="erase_tasks"
    )
    # The erase task of an ended hold: its deadline by the deadline policy for a deletion, counted from
    # the hold's end (`dsr.clock_sources`: reminded and breached like a request). Null on a request's
    # own tasks, which its request's clocks cover.
    due_at = models.DateTimeField(null=True, blank=True)
    # What the system returned (for access: the data it holds), as JSON; personal data, so encrypted.
    result = EncryptedTextField(blank=True)
    # When `result` was emptied (an export's purge, the customer's erasure, or the purge of a closed
    # request's results: `dsr.services.exports.task_results_erase`); the nightly purge skips it then.
    result_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by_label = models.CharField(max_length=150, blank=True)
    # What the person marking it done wrote, and where the proof is kept (a ticket, a file, a log id).
    # The note may name the customer's data (what was found, what was deleted): encrypted like `result`.
    note = EncryptedTextField(_("note"), blank=True)
    evidence = models.CharField(_("evidence reference"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fulfilment task")
        verbose_name_plural = _("fulfilment tasks")
        ordering = ["system__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "system"],
                condition=LIVE_SYSTEM_TASK,
                name="dsr_one_live_task_per_system",
            ),
            models.CheckConstraint(
                # A task called off (its request ended unanswered, or its erasure held) was never completed.
                condition=models.Q(status__in=("open", "called_off"), completed_at__isnull=True)
                | models.Q(status="done", completed_at__isnull=False),
                name="dsr_task_done_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["system", "status"]),
            # The deadline sweep's read of the erase tasks after legal holds, the only tasks with a
            # deadline (`dsr.clock_sources`): open ones and those confirmed late.
            models.Index(
                fields=["due_at"],
                condition=models.Q(due_at__isnull=False),
                name="dsr_erase_task_due",
            ),
        ]

    def is_overdue(self, now) -> bool:
        """Past its deadline (an ended hold's erase task, the only kind with one): open after it, or
        confirmed after it, as the deadline sweep counts it (`dsr.clock_sources.erase_tasks_open`)."""
        if self.due_at is None:
            return False
        if self.completed_at is not None:
            return self.completed_at > self.due_at
        return now > self.due_at


class FulfilmentTaskStatusChange(StatusChange):
    """One move of a fulfilment task along `dsr.states.TASK_MACHINE`, written by `task_transition`."""

    task = models.ForeignKey(FulfilmentTask, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("fulfilment task status change")


class RequestExport(models.Model):
    """The data package of an access or copy request, downloadable until it expires."""

    request = models.OneToOneField(DataSubjectRequest, on_delete=models.CASCADE, related_name="export")
    content = EncryptedTextField()  # JSON; rendered to HTML or CSV at download
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    downloads = models.PositiveIntegerField(default=0)
    # Set when the data is emptied after expiry; the row stays as the record that an export was given.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data export")

    def __str__(self) -> str:
        return f"RequestExport {self.request_id}"


class LegalHold(models.Model):
    """Data a deletion request could not erase yet because a law keeps it, until `ends_on`."""

    request = models.ForeignKey(
        DataSubjectRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="legal_holds"
    )
    subject_id = models.UUIDField(db_index=True)
    category = models.ForeignKey(DataCategory, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="+")
    # The rule's name and law in both languages, copied when the hold is placed (see below). A hold
    # placed before the English ones existed has them empty and reads in Vietnamese.
    reason_vi = models.CharField(max_length=200, db_column="reason")
    reason_en = models.CharField(max_length=200, blank=True, default="")
    legal_reference_vi = models.CharField(max_length=200, db_column="legal_reference")
    legal_reference_en = models.CharField(max_length=200, blank=True, default="")
    # Copied from the rule when the hold is placed, so the hold keeps its ground if the rule changes.
    law = models.CharField(max_length=16, choices=RetentionLaw.choices, default=RetentionLaw.OTHER)
    start_event = models.CharField(
        max_length=20, choices=RetentionStart.choices, default=RetentionStart.RELATIONSHIP_END
    )
    period_months = models.PositiveIntegerField(default=0)
    # Empty while the start event has not happened (the relationship is still open): no end date yet.
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        ordering = ["ends_on"]
        indexes = [
            models.Index(
                fields=["ends_on"], condition=models.Q(released_at__isnull=True), name="dsr_hold_due"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["request", "category", "system"], name="dsr_one_hold_per_part"),
        ]

    def __str__(self) -> str:
        return f"LegalHold {self.pk} until {self.ends_on.isoformat() if self.ends_on else 'open'}"

    reason = text_in_reader_language("reason")
    legal_reference = text_in_reader_language("legal_reference")


class DeletionRecord(models.Model):
    """Proof for the regulator that a category of a subject's data was deleted: what, where, when, by
    whom, under which request. It holds no personal data itself."""

    class Method(models.TextChoices):
        ERASED = "erased", _("Erased")
        DEIDENTIFIED = "deidentified", _("De-identified")

    request = models.ForeignKey(
        DataSubjectRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="deletion_records"
    )
    subject_id = models.UUIDField(db_index=True)
    category = models.ForeignKey(DataCategory, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.ERASED)
    hold = models.OneToOneField(
        LegalHold, null=True, blank=True, on_delete=models.PROTECT, related_name="deletion"
    )
    deleted_at = models.DateTimeField()
    deleted_by_label = models.CharField(max_length=150)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("deletion record")
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"DeletionRecord {self.pk} {self.method}"


class RestrictionLift(models.Model):
    """Why and when the restriction or objection an answered request put in force was lifted by staff
    (`dsr.services.fulfilment.request_restriction_lift`): recorded with its audit entry, shown on the
    request page and told to the customer. A refusal or cancellation lifts it as the request's answer."""

    request = models.OneToOneField(
        DataSubjectRequest, on_delete=models.CASCADE, related_name="restriction_lift"
    )
    reason = models.CharField(_("reason for lifting"), max_length=20, choices=LiftReason.choices)
    # Told to the customer; may quote them: encrypted, and kept out of the audit entry.
    note = EncryptedTextField(_("explanation"), blank=True)
    lifted_at = models.DateTimeField(_("lifted at"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.request_id} lifted ({self.reason})"
