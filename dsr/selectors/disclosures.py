"""Reads of the register of disclosures to competent authorities (`dsr.models.AuthorityDisclosure`)."""

from __future__ import annotations

from django.db.models import QuerySet

from dsr.models import AuthorityDisclosure


def authority_disclosures_customer_may_know(subject_id) -> QuerySet[AuthorityDisclosure]:
    """The customer's disclosures to competent authorities the DPO marked as theirs to be told of, the
    earliest first: what their access or copy export lists."""
    return AuthorityDisclosure.objects.filter(subject_id=subject_id, customer_may_be_told=True).order_by(
        "disclosed_at", "pk")


def authority_disclosures_of_customer(subject_id) -> QuerySet[AuthorityDisclosure]:
    """The customer's disclosures to competent authorities, the latest first."""
    return AuthorityDisclosure.objects.filter(subject_id=subject_id).select_related("recorded_by").order_by(
        "-disclosed_at", "-pk")
