"""Whether a customer's deletion is under way, for the apps below that must not start disclosing data
being erased (`authorisations.deletions`)."""

from __future__ import annotations

from deadlines.models import RequestType
from dsr.models import DataSubjectRequest
from dsr.states import OPEN


def deletion_verified_open(subject_id) -> bool:
    """A deletion request of this customer whose requester is verified, and which is not closed."""
    return DataSubjectRequest.objects.filter(
        subject_id=subject_id,
        type=RequestType.DELETE,
        identity_verified_at__isnull=False,
        status__in=sorted(OPEN),
    ).exists()
