"""Reads on what a restriction or an objection request reaches: what stands, what cancelling it would lift,
what it leaves alone and why, and the automated decisions an objection has a person review."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.catalogue import with_versions
from consents.models import ProcessingRestriction, Purpose
from consents.restrictions import RestrictionScope, restriction_scope
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest
from dsr.sources import request_source


def restriction_in_force(request: DataSubjectRequest) -> bool:
    """Whether the restriction or objection this request put in place still stands."""

    in_force = ProcessingRestriction.objects.filter(source=request_source(request), lifted_at__isnull=True)
    return in_force.exists()


def restriction_lifted_by_cancel(request: DataSubjectRequest) -> list[str]:
    """What cancelling this request would lift, as the customer reads it: the names of the purposes its
    restriction or objection in force covers ("all purposes" where it covers every one); empty when
    nothing it asked for is in force. The cancel page says it before the customer confirms."""
    in_force = ProcessingRestriction.objects.filter(
        source=request_source(request), lifted_at__isnull=True
    ).select_related("purpose").order_by("started_at", "pk")
    return [
        str(restriction.purpose.name) if restriction.purpose_id else str(_("all purposes"))
        for restriction in in_force
    ]


def request_restriction_scope(
    request: DataSubjectRequest, *, now: datetime | None = None
) -> RestrictionScope | None:
    """What a restriction or objection reaches at `now` (None for another type): the purposes it covers,
    those it leaves alone with the legal reason, and the automated decisions an objection has a person
    review instead (`consents.restrictions.PERSON_REVIEWS`). A request naming no purpose is read against
    every active purpose, each purpose judged by its version in force, as the restriction itself is."""
    if request.type not in (RequestType.RESTRICT, RequestType.OBJECT):
        return None
    purposes = Purpose.objects.filter(active=True)
    if request.purposes:
        purposes = Purpose.objects.filter(code__in=request.purposes)
    return restriction_scope(
        kind=request.type, purposes=with_versions(purposes.order_by("code")), now=now or timezone.now()
    )


def scope_not_covered(scope: RestrictionScope | None) -> list[dict[str, str]]:
    """The purposes `scope` leaves alone, each with the legal reason the customer reads, in the active
    language."""
    if scope is None:
        return []
    return [
        {"purpose": purpose.code, "name": purpose.name, "reason": str(reason)}
        for purpose, reason in scope.not_covered
    ]


def request_not_covered(request: DataSubjectRequest, *, now: datetime | None = None) -> list[dict[str, str]]:
    """The purposes a restriction or objection leaves alone at `now` (`request_restriction_scope`), each
    with the legal reason the customer reads."""
    return scope_not_covered(request_restriction_scope(request, now=now))
