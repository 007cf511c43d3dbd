"""Writes: the DPO publishes a new version of a text customers read."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import InvalidInput, PermissionDenied
from transparency.models import TextKind, TransparencyText

MAX_BODY_LENGTH = 20_000
MAX_CHANGES_LENGTH = 2_000
PUBLISH_PERMISSION = "transparency.publish_text"


def transparency_text_publish(
    *,
    actor: Actor,
    user,
    kind: str,
    body_vi: str,
    body_en: str,
    changes_vi: str = "",
    changes_en: str = "",
    now: datetime | None = None,
) -> TransparencyText:
    """Publish the next version of one text (both languages). Only the DPO may; a new privacy notice
    says what changed, in both languages, because customers read the versions side by side."""
    if user is None or not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("Only the data protection officer edits these texts."))
    if kind not in TextKind.values:
        raise InvalidInput(_("Unknown text."), field="kind")
    body_vi, body_en = (body_vi or "").strip(), (body_en or "").strip()
    changes_vi, changes_en = (changes_vi or "").strip(), (changes_en or "").strip()
    for field, value in (("body_vi", body_vi), ("body_en", body_en)):
        if not value:
            raise InvalidInput(_("Write the text in both languages."), field=field)
        if len(value) > MAX_BODY_LENGTH:
            raise InvalidInput(
                _("The text is longer than %(max)s characters."), field=field, max=MAX_BODY_LENGTH
            )
    for field, value in (("changes_vi", changes_vi), ("changes_en", changes_en)):
        if len(value) > MAX_CHANGES_LENGTH:
            raise InvalidInput(
                _("The summary is longer than %(max)s characters."), field=field, max=MAX_CHANGES_LENGTH
            )
        if kind == TextKind.PRIVACY_NOTICE and not value:
            raise InvalidInput(_("Say what changed in this version, in both languages."), field=field)
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        latest = (
            TransparencyText.objects.select_for_update().filter(kind=kind).order_by("-version").first()
        )
        if latest is not None and (latest.body_vi, latest.body_en) == (body_vi, body_en):
            raise InvalidInput(_("The text is unchanged; nothing was published."), field="body_vi")
        text = TransparencyText.objects.create(
            kind=kind,
            version=(latest.version if latest else 0) + 1,
            body_vi=body_vi,
            body_en=body_en,
            changes_vi=changes_vi,
            changes_en=changes_en,
            published_at=now,
            published_by_label=actor.label[:150],
        )
        changed = [
            language
            for language, field in (("vi", "body_vi"), ("en", "body_en"))
            if latest is None or getattr(latest, field) != getattr(text, field)
        ]
        audit_record(
            action="transparency.text.published",
            actor=actor,
            target=text,
            data={"kind": kind, "version": text.version, "languages_changed": changed},
            now=now,
        )
    return text
