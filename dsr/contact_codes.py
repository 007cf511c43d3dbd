"""One-time codes that confirm a customer's new phone or e-mail: making, checking, and sending them;
and the hourly cap that holds for these and for the code that verifies a requester's identity.

`contact_code_send` is the one place a code leaves the bank, through the outbox (queued in the caller's
transaction, retried, never lost): an e-mail to an address, a text message (`integrations.sms`, the
bank's gateway) to a phone. The old phone or e-mail is told once the new one is in force by
`notifications.services.contact_changed_notify`, after every rectification that changes it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict
from dsr.models import ContactField
from integrations.models import OutboxMessage
from integrations.outbox import outbox_enqueue_email

CODE_DIGITS = 6
CODE_TEMPLATE = "dsr/email/contact_code"
# Codes sent in an hour to one customer's new contact, or for one request's identity check: each costs
# an SMS and could be used to flood a number.
MAX_CODES_PER_HOUR = 5


# The `cap` an audited refusal names when the hourly cap refused a code.
CODES_PER_HOUR_CAP = "codes_per_hour"


def codes_per_hour_refusal(sent_in_hour: int) -> Conflict | None:
    """The refusal of another code once MAX_CODES_PER_HOUR were sent in the hour (409 `too_many_codes`),
    or None. Returned, not raised: the caller audits it and commits the entry before raising it."""
    if sent_in_hour < MAX_CODES_PER_HOUR:
        return None
    return Conflict(_("Too many codes were sent in the last hour. Try again later."), code="too_many_codes")


def code_new() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(change_id, code: str) -> str:
    """A keyed hash bound to the change, so a stored hash reveals nothing and fits no other change."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{change_id}:{code.strip()}".encode(), hashlib.sha256).hexdigest()


def code_matches(change_id, code: str, stored: str) -> bool:
    return hmac.compare_digest(code_hash(change_id, code), stored)


def contact_code_send(
    *, field: str, destination: str, code: str, minutes: int, language: str, subject_id, key: str,
    now: datetime,
) -> None:
    """Queue the code for the new phone or e-mail (caller's transaction); `key` makes it unique."""
    outbox_enqueue_email(
        kind=OutboxMessage.Kind.SMS if field == ContactField.PHONE else OutboxMessage.Kind.EMAIL,
        to=destination,
        template=CODE_TEMPLATE,
        context={"code": code, "minutes": minutes, "sms": field == ContactField.PHONE},
        topic=f"dsr.contact_code.{field}",
        dedupe_key=f"dsr.contact_code:{key}",
        subject_id=subject_id,
        language=language,
        now=now,
    )
