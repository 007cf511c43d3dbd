"""A dispute recorded outside a complaint (a court case, an inspection, a police request) that keeps a
customer's held data: while one is in force the nightly release leaves the customer's legal holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField


class DisputeHold(models.Model):
    """Recorded and lifted by the DPO (`dsr.services.disputes`); in force from `starts_on` through
    `ends_on` (the last day included; empty: until lifted), unless lifted."""

    subject_id = models.UUIDField(db_index=True)
    # The dispute's description and the reason it was lifted may name people: encrypted, and kept out
    # of the audit entries.
    reason = EncryptedTextField(_("reason"))
    reference = models.CharField(_("reference"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (included)"), null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = EncryptedTextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("hold for a dispute")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="dsr_dispute_hold_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"DisputeHold {self.pk} from {self.starts_on.isoformat()}"
