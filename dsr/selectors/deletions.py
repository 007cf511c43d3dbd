"""Whether a customer's deletion is under way, for the apps below that must not start disclosing data
being erased (`authorisations.deletions`); which legal holds the nightly release ends."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from deadlines.models import RequestType
from dsr.models import DataSubjectRequest, LegalHold
from dsr.states import OPEN


def deletion_verified_open(subject_id) -> bool:
    """A deletion request of this customer whose requester is verified, and which is not closed."""
    return DataSubjectRequest.objects.filter(
        subject_id=subject_id,
        type=RequestType.DELETE,
        identity_verified_at__isnull=False,
        status__in=sorted(OPEN),
    ).exists()


def complaint_open_subjects() -> QuerySet:
    """The customers with a complaint not yet closed, as a subquery of their ids."""
    return DataSubjectRequest.objects.filter(type=RequestType.COMPLAINT, status__in=sorted(OPEN)).values(
        "subject_id"
    )


def holds_due(*, today: date) -> QuerySet[LegalHold]:
    """The holds the nightly release ends: not yet released, whose last day (`ends_on`, the day the
    customer and the systems are told the data is kept until) is over before `today` (local): a period
    counted in years ends at the end of its last day (Civil Code 2015 Art. 148), so ten years of accounting
    records from 31 December 2026 are kept through 31 December 2036. Except those of a customer whose
    complaint is still open: what the dispute may need is kept until it is settled, and the first night
    after its close releases them."""
    return LegalHold.objects.filter(released_at__isnull=True, ends_on__lt=today).exclude(
        subject_id__in=complaint_open_subjects()
    )
