"""The texts the bank shows every customer, each edit kept as a dated version."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.labels import text_in_reader_language


class TextKind(models.TextChoices):
    PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")
    DPO_CONTACT = "dpo_contact", _("Contact of the data protection officer")
    COMPLAINTS = "complaints", _("How to complain")
    SECURITY = "security", _("Safe online banking and protecting your data")


class TransparencyText(models.Model):
    """One version of one text, in Vietnamese and English. Versions are only added, never changed:
    the privacy notice's history (what changed, from when) is these rows."""

    kind = models.CharField(_("text"), max_length=32, choices=TextKind.choices)
    version = models.PositiveIntegerField(_("version"))
    body_vi = models.TextField(_("text (Vietnamese)"))
    body_en = models.TextField(_("text (English)"))
    changes_vi = models.TextField(_("what changed (Vietnamese)"), blank=True)
    changes_en = models.TextField(_("what changed (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by_label = models.CharField(max_length=150)

    class Meta:
        verbose_name = _("transparency text")
        ordering = ["kind", "-version"]
        permissions = [("publish_text", _("Can edit the texts customers read about their data"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="transparency_text_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"

    body = text_in_reader_language("body")
    changes = text_in_reader_language("changes")
