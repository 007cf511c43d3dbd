"""Reads of the register of disclosures to competent authorities (`dsr.models.AuthorityDisclosure`)."""

from __future__ import annotations

from django.db.models import QuerySet

from dsr.models import AuthorityDisclosure


def authority_disclosures_of_customer(subject_id) -> QuerySet[AuthorityDisclosure]:
    """The customer's disclosures to competent authorities, the latest first."""
    return AuthorityDisclosure.objects.filter(subject_id=subject_id).select_related("recorded_by").order_by(
        "-disclosed_at", "-pk")
