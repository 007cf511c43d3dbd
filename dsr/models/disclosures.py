"""A disclosure of a customer's data to a competent authority on its written request (police, court or
procuracy, the State Bank's inspection or anti-money-laundering department, tax). Law 91/2025 and
Decree 356/2025 let the bank disclose without consent where a law requires it; the DPO proves each one
with this record. The customer is not told unless the DPO marks it so (`customer_may_be_told`): AML law
forbids tipping off (Law 14/2022/QH15), as may the authority's own request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField


class AuthorityKind(models.TextChoices):
    POLICE = "police", _("Police or investigation agency")
    COURT = "court", _("Court or procuracy")
    SBV_INSPECTION = "sbv_inspection", _("State Bank inspection and supervision")
    SBV_AML = "sbv_aml", _("State Bank anti-money-laundering department")
    TAX = "tax", _("Tax authority")
    OTHER = "other", _("Other competent authority")


class AuthorityDisclosure(models.Model):
    """Recorded by the DPO (`dsr.services.authority_disclosure_record`), never changed: a correction is
    a new record. Read by the DPO and the auditor alone."""

    subject_id = models.UUIDField(db_index=True)
    authority_kind = models.CharField(_("kind of authority"), max_length=32, choices=AuthorityKind.choices)
    authority_name = models.CharField(_("authority that asked"), max_length=300)
    document_number = models.CharField(_("number of its written request"), max_length=100)
    document_date = models.DateField(_("date of its written request"))
    legal_basis = models.CharField(_("legal basis (law and article)"), max_length=300)
    # What was disclosed and the official who received it may name people: encrypted, and only their
    # digests go into the audit entry, which proves them unchanged.
    data_disclosed = EncryptedTextField(_("what was disclosed"))
    disclosed_to = EncryptedTextField(_("disclosed to (official and channel)"))
    disclosed_at = models.DateTimeField(_("disclosed at"))
    # Not unless the DPO decides: a police, court or AML request may forbid telling the customer, and a
    # word of it would tip them off; one under no such ban (a tax authority's request) is theirs to know
    # of, and their access export lists it.
    customer_may_be_told = models.BooleanField(_("the customer may be told of it"), default=False)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("disclosure to a competent authority")
        ordering = ["-disclosed_at", "-pk"]

    def __str__(self) -> str:
        return f"AuthorityDisclosure {self.pk} ({self.authority_kind})"
