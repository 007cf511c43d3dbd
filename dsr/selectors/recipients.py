"""The recipients a request reached: those a withdrawal told to stop and that have not confirmed it,
those a deletion told to stop, and those a rectification told to correct the customer's data
(`consents.services.duties`)."""

from __future__ import annotations

from datetime import datetime

from consents.models import WithdrawalDuty
from consents.selectors import rectification_notices, stop_notices_of_source, withdrawal_duties_open_of_source
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest
from dsr.sources import request_source


def request_recipients_open(request: DataSubjectRequest) -> list[WithdrawalDuty]:
    """The duties of the recipients a withdrawal request told to stop that have not confirmed it yet,
    each with its recipient: the request is answered once none is left (none for other types)."""
    if request.type != RequestType.WITHDRAW:
        return []
    source = request_source(request)
    return list(withdrawal_duties_open_of_source(subject_id=request.subject_id, source=source))


def request_rectification_notices(
    request: DataSubjectRequest, *, now: datetime | None = None
) -> list[WithdrawalDuty]:
    """The recipients a rectification request's answer told to correct the customer's data, each duty
    with its recipient, due time, acknowledgement and `late` (none for other types, or before the
    answer). The answer applies the corrections (`dsr.services.fulfilment`) with the request as their
    source, which each notice records: another correction of the customer, even one made at the same
    instant, is not this request's."""
    if request.type != RequestType.RECTIFY:
        return []
    source = request_source(request)
    return list(rectification_notices(subject_id=request.subject_id, source=source, now=now))


def request_stop_notices(request: DataSubjectRequest, *, now: datetime | None = None) -> list[WithdrawalDuty]:
    """The recipients a deletion's answer told to stop, as it withdrew the customer's consents
    (`dsr.services.deletion`), each duty with its recipient, due time, acknowledgement and `late` (none
    for other types, or before the answer). They are followed as duties: the answer did not wait."""
    if request.type != RequestType.DELETE:
        return []
    source = request_source(request)
    return list(stop_notices_of_source(subject_id=request.subject_id, source=source, now=now))
