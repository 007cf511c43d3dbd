"""The DPO's review of the record of processing activities (the year-end review of the register)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import PermissionDenied, required_text
from regulator.documents import fingerprint, processing_record
from regulator.models import RecordReview

FINDINGS_MAX_LENGTH = 4000


def record_review(*, actor: Actor, findings: str, now: datetime | None = None) -> RecordReview:
    """Record that `actor` (a staff member) reviewed the record of processing activities as it stands now,
    with what they found; the review keeps the record's number of entries and fingerprint, so it names
    the register it was done on. Audited `regulator.record.reviewed` (the findings stay on the review)."""
    if not actor.is_staff or actor.user_id is None:
        raise PermissionDenied(_("Only a member of staff records a review of the record."))
    text = required_text(findings, field="findings", message=_("Say what the review found."))
    now = now or timezone.now()
    entries = processing_record(now=now)["entries"]
    with transaction.atomic(durable=True):
        review = RecordReview.objects.create(
            reviewed_at=now,
            reviewed_by_id=actor.user_id,
            findings=text[:FINDINGS_MAX_LENGTH],
            entries=len(entries),
            record_fingerprint=fingerprint({"entries": entries}),
        )
        audit_record(
            action="regulator.record.reviewed",
            actor=actor,
            target=review,
            now=now,
            data={"entries": review.entries, "fingerprint": review.record_fingerprint},
        )
    return review
