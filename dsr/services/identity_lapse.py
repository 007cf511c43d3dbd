"""An identity check the requester started and left unfinished lapses (the hourly job
`dsr.lapse_identity_checks`). A self-service request waits on the requester proving who they are by the code
sent to their registered phone; one who asked for a code and never typed it left the request waiting on a
check nobody was going to finish, and heard nothing more. A day after the last code ran out
(`IDENTITY_CHECK_LAPSES_AFTER`) the check is closed: the code's hash is emptied, the request records
`identity_check_lapsed_at` with its audit entry, and the requester is told, in their language, what to do to
go on (a new code on the request's page, a document at a branch, eKYC), unless they are recorded as deceased;
the request's page says the same.
The request itself stays open, in its status, with its clocks: the bank still answers it by its dates, and
staff may refuse it for an identity not verified (`OutcomeReason.IDENTITY_NOT_VERIFIED`) when it comes to
that. A code sent after the lapse starts a new check, which may lapse in turn."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import audit_record_many
from core.actors import Actor
from dsr.models import DataSubjectRequest
from dsr.notifications import customer_notify
from dsr.selectors.identity import IDENTITY_VERIFIABLE
from subjects.locks import of_customers_locked

# A code is valid 10 minutes; a requester who has not come back to it within a day has left it.
IDENTITY_CHECK_LAPSES_AFTER = timedelta(hours=24)
IDENTITY_CHECKS_LAPSE_BATCH = 200
SYSTEM = Actor.system("dsr.lapse_identity_checks")


def identity_checks_left(now: datetime):
    """Requests still awaiting the requester's identity whose last code ran out `IDENTITY_CHECK_LAPSES_AFTER`
    ago, not lapsed since that code was sent."""
    return (
        DataSubjectRequest.objects.filter(
            status__in=IDENTITY_VERIFIABLE, identity_verified_at__isnull=True,
            identity_otp_expires_at__lte=now - IDENTITY_CHECK_LAPSES_AFTER,
        )
        .filter(
            Q(identity_check_lapsed_at__isnull=True)
            | Q(identity_check_lapsed_at__lt=F("identity_otp_expires_at"))
        )
        .order_by("identity_otp_expires_at", "pk")
    )


def identity_checks_lapse(*, now: datetime | None = None, limit: int = IDENTITY_CHECKS_LAPSE_BATCH) -> int:
    """Lapse up to `limit` checks left unfinished, in one transaction (the job runs again while a batch was
    full): the customers locked first, skipping those another writer holds, then the requests, skipping
    those being verified; the next run takes them. Returns how many lapsed."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        (of_held,) = of_customers_locked(identity_checks_left(now), customer="subject_id", limit=limit)
        left = list(
            of_held.select_for_update(skip_locked=True, of=("self",))
            .select_related("subject", "guardian")[:limit]
        )
        for request in left:
            request.identity_check_lapsed_at = now
            request.identity_otp_hash = ""
        # A customer recorded as deceased has no login to ask for a code with, and is not written to.
        told = {request.pk for request in left if request.subject.deceased_on is None}
        DataSubjectRequest.objects.bulk_update(left, ["identity_check_lapsed_at", "identity_otp_hash"])
        audit_record_many([
            {
                "action": "dsr.request.identity_check_lapsed", "actor": SYSTEM, "subject": request.subject_id,
                "target": request, "now": now,
                "data": {"code_expired_at": request.identity_otp_expires_at.isoformat(),
                         "status": request.status, "customer_told": request.pk in told},
            }
            for request in left
        ])
        for request in (request for request in left if request.pk in told):
            customer_notify(request, event="identity_lapsed", now=now, key=now.isoformat())
    return len(left)
