"""Checking who asks: while a request's requester can still be verified, and what the check needs."""

from __future__ import annotations

from datetime import datetime

from audit.models import AuditEntry
from core.actors import Actor
from dsr.models import (
    CUSTOMER_IDENTITY_METHODS,
    STAFF_IDENTITY_METHODS,
    Channel,
    DataSubjectRequest,
    IdentityMethod,
)
from dsr.selectors.guardians import request_guardian_refusal
from dsr.states import RequestStatus
from subjects.models import DataSubject

# Where identity can still be verified: before the work starts, or while waiting for the customer.
IDENTITY_VERIFIABLE = frozenset(
    {RequestStatus.RECEIVED, RequestStatus.VERIFYING_IDENTITY, RequestStatus.AWAITING_CUSTOMER}
)

# Where the customer stands before the bank's staff as the request comes in. By phone, on paper or online a
# citizen ID number is no secret (it is on many forms and copies): a caller reading one out proves nothing.
IN_PERSON_CHANNELS = frozenset({Channel.BRANCH})


def identity_document_needs_visit(request: DataSubjectRequest) -> bool:
    """Whether checking an identity document for this request needs the officer to confirm that the
    customer came to a branch with the original (`dsr.services.identity`): every request not received at
    one. The verify form asks for that confirmation only then."""
    return request.channel not in IN_PERSON_CHANNELS


def requester_id(request: DataSubjectRequest):
    """The id of whose identity is checked: the guardian acting for a child, else the customer."""
    return request.guardian_id or request.subject_id


def request_requester(request: DataSubjectRequest) -> DataSubject:
    """Whose identity is checked (`requester_id`)."""
    return DataSubject.objects.get(pk=requester_id(request))


def requester_is(subject: DataSubject, request: DataSubjectRequest) -> bool:
    """Whether `subject` is the person who asks: the guardian who filed for a child, else the customer. Only
    they prove who they are by the code to their phone; a child does not verify their guardian's request."""
    return subject.pk == requester_id(request)


def identity_methods_recordable(request: DataSubjectRequest, actor: Actor) -> list[str]:
    """The identity methods `actor` may record for `request`, in the order the forms show them: a customer
    only the code to their phone or their own confirmed code; staff and clients any other, except that the
    person who took the request in records no eKYC reference for it (the one check the platform cannot
    repeat: a second person looks the session up). The verifying service, the staff form and the API
    detail read this one rule."""
    if actor.is_customer:
        return list(CUSTOMER_IDENTITY_METHODS)
    took_it_in = request.created_by_id is not None and request.created_by_id == actor.user_id
    return [
        method for method, _label in STAFF_IDENTITY_METHODS
        if not (took_it_in and method == IdentityMethod.EKYC)
    ]


def identity_check_awaited(request: DataSubjectRequest) -> bool:
    """Whether the requester's identity is yet to be checked and still can be: not verified yet, and the
    request not past the check (`IDENTITY_VERIFIABLE`). The one rule the verifying services
    (`dsr.services.identity`) refuse by, staff's "verify" action and the customer's page follow."""
    return request.identity_verified_at is None and request.status in IDENTITY_VERIFIABLE


def customer_identity_step_offered(request: DataSubjectRequest, *, now: datetime) -> bool:
    """Whether the customer's page of their request shows the ways to prove who they are as their next
    step: while the check is awaited (`identity_check_awaited`) and, for a guardian's request, the
    guardian still acts for the child (`request_guardian_refusal`), as the verifying services require."""
    return identity_check_awaited(request) and request_guardian_refusal(request, now=now) is None


def identity_check_lapsed(request: DataSubjectRequest) -> bool:
    """Whether the check the requester started by a code lapsed unfinished (`dsr.services.identity_lapse`)
    and no code was sent since, while it is still awaited: their page says what to do to go on."""
    lapsed = request.identity_check_lapsed_at
    return (
        lapsed is not None and identity_check_awaited(request)
        and (request.identity_otp_expires_at is None or lapsed >= request.identity_otp_expires_at)
    )


# Wrong codes allowed for one request, whatever the number of codes sent: past it, a document or eKYC.
OTP_MAX_ATTEMPTS = 5

# What the signed-in requester's page offers for the code (`customer_identity_code_step`).
CODE_OFFERED = "offered"
CODE_PHONE_CHANGED = "phone_changed"
CODE_ATTEMPTS_EXHAUSTED = "attempts_exhausted"


def customer_identity_code_step(request: DataSubjectRequest, subject: DataSubject, *, now: datetime) -> str:
    """What the signed-in `subject`'s page offers for a code to their registered phone, typed on their
    request's page (`dsr.services.identity_self`): nothing ("") unless the check is awaited and they are the
    requester; `CODE_ATTEMPTS_EXHAUSTED` once `OTP_MAX_ATTEMPTS` wrong codes were typed, or
    `CODE_PHONE_CHANGED` when that phone was changed after the request came in
    (`registered_phone_changed_since_request`), both refused by the services, the page saying why and what
    else to do; else `CODE_OFFERED`."""
    if not (requester_is(subject, request) and customer_identity_step_offered(request, now=now)):
        return ""
    if request.identity_otp_attempts >= OTP_MAX_ATTEMPTS:
        return CODE_ATTEMPTS_EXHAUSTED
    return CODE_PHONE_CHANGED if registered_phone_changed_since_request(request) else CODE_OFFERED


def registered_phone_changed_since_request(request: DataSubjectRequest) -> bool:
    """Whether the requester's phone on record was changed after the request came in (read from the
    trail's rectifications, which name the fields changed), whoever changed it: staff, or the customer's
    own signed-in session (a session someone else holds could change it as well). A code to that phone then
    shows only that someone got the number changed, not that the customer asked: an insider or a caller who
    talked an officer into the change would verify the request themself. One query, one row at most."""
    return AuditEntry.objects.filter(
        subject_id=requester_id(request),
        action="core.subject.rectified",
        recorded_at__gte=request.received_at,
        data__changed__has_key="phone",
    ).exists()
