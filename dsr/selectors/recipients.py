"""The recipients a request reached: those a withdrawal, a restriction or an objection told to stop and
that have not confirmed it, those a deletion told to stop and to delete, and those a rectification told
to correct the customer's data (`consents.services.duties`, `consents.services.request_duties`)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from consents.models import WithdrawalDuty
from consents.selectors import (
    notices_of_source,
    restriction_stops_open_of_source,
    stop_notices_of_source,
    withdrawal_duties,
)
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest
from dsr.sources import request_source


def request_recipients_open(request: DataSubjectRequest) -> list[WithdrawalDuty]:
    """The duties of the recipients a withdrawal, restriction or objection request told to stop that
    have not confirmed it yet, each with its recipient: the request is answered once none is left (none
    for other types)."""
    source = request_source(request)
    if request.type == RequestType.WITHDRAW:
        stops = _stops_covered(request).filter(status=WithdrawalDuty.Status.OPEN).select_related("recipient")
        return list(stops.order_by("due_at", "recipient__name"))
    if request.type in (RequestType.RESTRICT, RequestType.OBJECT):
        return list(restriction_stops_open_of_source(subject_id=request.subject_id, source=source))
    return []


def _stops_covered(request: DataSubjectRequest) -> QuerySet[WithdrawalDuty]:
    """The stops of the customer's consents to the purposes a withdrawal request covers (every one when it
    names none) that were open while the request was, whichever act ended them: the request's own, and
    those of an act before it (the customer's switch in the app, the platform's stop when the relationship
    ended, an expiry). The customer asked that those recipients stop processing; one that has not
    confirmed keeps the request from being answered as done, whoever told it first, and its confirmation
    stays on the request's page. A stop opened after the request closed, or closed before it arrived, is
    another act's."""
    stops = WithdrawalDuty.objects.stops().filter(subject_id=request.subject_id).filter(
        Q(status=WithdrawalDuty.Status.OPEN)
        | Q(acknowledged_at__gte=request.received_at)
        | Q(called_off_at__gte=request.received_at)
    )
    if request.closed_at is not None:
        stops = stops.filter(received_at__lte=request.closed_at)
    return stops.filter(consent__purpose__code__in=request.purposes) if request.purposes else stops


def request_rectification_notices(
    request: DataSubjectRequest, *, now: datetime | None = None
) -> list[WithdrawalDuty]:
    """The recipients a rectification request's answer told to correct the customer's data, each duty
    with its recipient, due time, acknowledgement and `late` (none for other types, or before the
    answer). The answer applies the corrections (`dsr.services.fulfilment`) with the request as their
    source, which each notice records: another correction of the customer, even one made at the same
    instant, is not this request's."""
    return _notices_of(request, types=(RequestType.RECTIFY,), kind=WithdrawalDuty.Kind.RECTIFICATION, now=now)


def request_stop_notices(request: DataSubjectRequest, *, now: datetime | None = None) -> list[WithdrawalDuty]:
    """The recipients a deletion's answer told to stop, as it withdrew the customer's consents
    (`dsr.services.deletion`), each duty with its recipient, due time, acknowledgement and `late` (none
    for other types, or before the answer). They are followed as duties: the answer did not wait."""
    if request.type != RequestType.DELETE:
        return []
    source = request_source(request)
    return list(stop_notices_of_source(subject_id=request.subject_id, source=source, now=now))


def request_erasure_notices(
    request: DataSubjectRequest, *, now: datetime | None = None
) -> list[WithdrawalDuty]:
    """The recipients a deletion's answer told to delete the customer's data they may still hold, each
    duty with its recipient, due time, acknowledgement and `late` (none for other types, or before the
    answer). Followed as duties: the answer did not wait."""
    return _notices_of(request, types=(RequestType.DELETE,), kind=WithdrawalDuty.Kind.ERASURE, now=now)


def request_restriction_notices(
    request: DataSubjectRequest, *, now: datetime | None = None
) -> list[WithdrawalDuty]:
    """The recipients a restriction or objection told to stop, open or acknowledged, each with its
    recipient, due time, acknowledgement and `late` (none for other types)."""
    return _notices_of(
        request, types=(RequestType.RESTRICT, RequestType.OBJECT), kind=WithdrawalDuty.Kind.RESTRICTION,
        now=now,
    )


def request_recipients_told(
    request: DataSubjectRequest, *, now: datetime | None = None
) -> list[WithdrawalDuty]:
    """Every recipient the request told to act on the customer's data (stop, delete or correct), open,
    confirmed or called off, each duty with its recipient, due time, acknowledgement and `late`: the
    customer's request page answers "has every company my data went to done it?" from them."""
    if request.type == RequestType.WITHDRAW:
        source = request_source(request)
        own = list(stop_notices_of_source(subject_id=request.subject_id, source=source, now=now))
        earlier = withdrawal_duties(now=now).filter(pk__in=_stops_covered(request).values("pk"))
        told = own + list(earlier.exclude(pk__in=[duty.pk for duty in own]))
        return sorted(told, key=lambda duty: (duty.due_at, duty.recipient.name))
    return [
        *request_stop_notices(request, now=now),
        *request_erasure_notices(request, now=now),
        *request_restriction_notices(request, now=now),
        *request_rectification_notices(request, now=now),
    ]


def _notices_of(
    request: DataSubjectRequest, *, types, kind: str, now: datetime | None
) -> list[WithdrawalDuty]:
    """The duties of `kind` a request of one of `types` opened (its source), each with its recipient,
    due time, acknowledgement and `late`; none for a request of another type."""
    if request.type not in types:
        return []
    return list(
        notices_of_source(kind=kind, subject_id=request.subject_id, source=request_source(request), now=now)
    )
