"""The consents a customer outgrew: given by a guardian alone while the customer was under 7, now that
the customer's own agreement is due (`rule.own_agreement_due`), which the daily job stops
(`consents.services.child_stops.consents_stop_outgrown`)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from consents.catalogue import purpose_in_force, with_versions
from consents.models import Consent, ConsentStatus, Purpose
from consents.selectors.rule import GUARDIAN_ALONE, own_agreement_due

# Rows read from the database at a time while looking for those due.
_CHUNK = 2000


def _consent_based_purpose_ids(now: datetime) -> set[int]:
    """The purposes resting on consent by their version in force at `now` (as the check judges them):
    a withdrawal of any other is refused, so the job leaves their consents alone."""
    purposes = with_versions(Purpose.objects.all())
    return {purpose.pk for purpose in purposes if purpose_in_force(purpose, now).consent_based}


def consents_outgrown_due(*, now: datetime, limit: int) -> list[tuple]:
    """(consent id, customer id) of up to `limit` live consents, in id order, that a guardian gave alone
    (`rule.GUARDIAN_ALONE`) for a customer whose own agreement is due on the local day of `now`, to a
    purpose resting on consent. Dates of birth are encrypted, so they are read (of consents a guardian
    gave alone only) and judged here by the check's rule, not filtered on in SQL."""
    on = timezone.localdate(now)
    consent_based = _consent_based_purpose_ids(now)
    rows = (
        Consent.objects.filter(GUARDIAN_ALONE, status=ConsentStatus.GRANTED, purpose_id__in=consent_based)
        .order_by("pk")
        .values_list("pk", "subject_id", "subject__date_of_birth")
    )
    due = []
    for consent_id, subject_id, born in rows.iterator(chunk_size=_CHUNK):
        if own_agreement_due(born, on):
            due.append((consent_id, subject_id))
            if len(due) >= limit:
                break
    return due
