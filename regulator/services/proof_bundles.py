"""Taking a customer's proof bundle for an inspection: the document is built from reads only, and the
taking is audited (who, why, which format, which period, and the document's SHA-256) in a transaction
that writes nothing else, so the trail says exactly which document left the platform."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import InvalidInput, NotFound
from core.moments import parse_moment
from regulator.proof_bundle import ALL_HISTORY, proof_bundle
from regulator.proof_bundle.common import Period
from subjects.selectors import (
    MAX_ACCESS_REASON_LENGTH,
    access_reason_normalised,
    access_reason_too_long,
    subject_by_id,
)

FORMATS = ("json", "html")
# The codes of the reason's refusals (`_reason_recorded`).
REASON_REQUIRED = "access_reason_required"
REASON_TOO_LONG = "access_reason_too_long"


def proof_bundle_period(since: str | None, until: str | None) -> Period:
    """The period asked for: `from` and `to` as YYYY-MM-DD (whole local days) or ISO 8601 date-times;
    either may be left out. A date-only `to` ends at 00:00 local the next day, excluded: stored times
    are finer than a second, and an end at 23:59:59 would leave out the day's last second. A period that
    ends before it starts (or, excluded, as it starts) is refused."""
    start = parse_moment(since, field="from")
    end = parse_moment(until, field="to")
    whole_day = end is not None and len(until) == len("YYYY-MM-DD")
    if whole_day:
        end = timezone.make_aware(datetime.combine(end.date() + timedelta(days=1), time.min))
    if start is not None and end is not None and (end < start or (whole_day and end == start)):
        raise InvalidInput(
            _("The period ends before it starts: give a “to” on or after the “from”."), field="to"
        )
    return Period(start, end, until_excluded=whole_day)


def _reason_recorded(reason: str | None) -> str:
    """The reason as the audit entry records it. The one rule for it, whoever asks: there must be one,
    and it must fit whole (cut short, the entry would record another reason than the one given). The
    errors speak of the `reason` field; the API says them of its header."""
    if access_reason_too_long(reason):
        raise InvalidInput(
            _("The reason is too long: keep it to %(limit)s characters (the inspection's letter or case "
              "number)."),
            field="reason",
            code=REASON_TOO_LONG,
            limit=MAX_ACCESS_REASON_LENGTH,
        )
    reason = access_reason_normalised(reason)
    if not reason:
        raise InvalidInput(
            _(
                "Say why you are taking this customer's proof bundle (the inspection's letter or case "
                "number)."
            ),
            field="reason",
            code=REASON_REQUIRED,
        )
    return reason


def proof_bundle_export(
    *,
    actor: Actor,
    subject_id,
    reason: str | None,
    fmt: str,
    role: str = "",
    period: Period = ALL_HISTORY,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The customer's proof bundle, and the audit entry of its taking with the reason given."""
    reason = _reason_recorded(reason)
    if fmt not in FORMATS:
        raise InvalidInput(_("Choose JSON or HTML."), field="format")
    subject = subject_by_id(subject_id)
    if subject is None:
        raise NotFound(_("No customer with this id."))
    now = now or timezone.now()
    bundle = proof_bundle(subject, generated_by=actor, role=role, now=now, period=period)
    with transaction.atomic(durable=True):
        audit_record(
            action="regulator.proof_bundle.exported",
            actor=actor,
            subject=subject,
            target=subject,
            now=now,
            data={
                "reason": reason,
                "format": fmt,
                "sha256": bundle["sha256"],
                "from": bundle["header"]["period"]["from"],
                "to": bundle["header"]["period"]["to"],
                "to_excluded": period.until_excluded,
            },
        )
    return bundle
