"""The signed-in customer proves a request is theirs: a code to the phone on their record, typed on their
request's own page. The code goes only where the bank already reaches them, and it is checked by the same
service as the one staff type for a customer at the counter or on a call the customer made
(`dsr.services.identity`), with its caps. Only the requester may do it (`requester_is`)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.errors import NotFound
from dsr.models import DataSubjectRequest, IdentityMethod
from dsr.selectors import requester_is
from dsr.services.identity import request_identity_otp_send, request_verify_identity
from subjects.models import DataSubject


def _own_request_id(request_id, subject: DataSubject):
    """The id of the request `subject` asked (404 otherwise: a request of someone else stays unknown).
    Read unlocked: who asked (customer, guardian) never changes on a request."""
    request = DataSubjectRequest.objects.filter(pk=request_id).only("pk", "subject_id", "guardian_id").first()
    if request is None or not requester_is(subject, request):
        raise NotFound(_("No such request."))
    return request.pk


def request_identity_code_send_by_customer(
    *, actor: Actor, request_id, subject: DataSubject, now: datetime | None = None
) -> DataSubjectRequest:
    """Send the requester a code to their registered phone, at their own asking."""
    return request_identity_otp_send(actor=actor, request_id=_own_request_id(request_id, subject), now=now)


def request_verify_identity_by_customer(
    *, actor: Actor, request_id, subject: DataSubject, code: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Check the code the requester typed; a wrong one is counted, as staff's are."""
    return request_verify_identity(
        actor=actor, request_id=_own_request_id(request_id, subject), method=IdentityMethod.OTP_PHONE,
        otp_code=code, now=now,
    )
