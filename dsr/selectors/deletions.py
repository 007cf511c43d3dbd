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
    """The holds the nightly release ends: dated on or before `today` (local) and not yet released, except
    those of a customer whose complaint is still open: what the dispute may need is kept until it is
    settled, and the first night after its close releases them."""
    return LegalHold.objects.filter(released_at__isnull=True, ends_on__lte=today).exclude(
        subject_id__in=complaint_open_subjects()
    )
