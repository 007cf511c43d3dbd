"""When the customer gave an answer the mobile app captured offline: its own time, not the server's.

A customer who switches a purpose on (or refuses it) in the app on a flaky network is recorded when the
phone reconnects; the proof of consent is on the bank (domain notes, "Consent rules"), and its time is
when the customer answered. Writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import Consent
from consents.scope import utc_iso
from consents.selectors.records import consent_last_answer_at, consent_last_event_at
from consents.services.rules import GrantRequest
from core.errors import Conflict, InvalidInput

# How long a phone may hold an answer before sending it. An answer older than this is no longer one the
# bank can date on the device's word alone: it is given again, or recorded with paper evidence.
OFFLINE_ANSWER_MAX_AGE = timedelta(days=7)
# A phone's clock this far ahead of the server's is the clock's drift, read as "now"; further is refused.
DEVICE_CLOCK_AHEAD_ALLOWED = timedelta(minutes=5)


def answered_at_of(request: GrantRequest, *, now: datetime) -> datetime:
    """The moment the customer answered: `request.answered_at` when the device sent one, else `now`.
    Call it once the customer's row is locked (`answer_start`), so no answer slips in between. Refused:
    a time in the future, older than OFFLINE_ANSWER_MAX_AGE or before the customer was registered, or a
    term (`expires_at`) already over when the request arrives (400), and one before an answer the
    customer gave since (409 `answered_since`): an older "yes" never switches back a later "no"."""
    if request.answered_at is None:
        return now
    answered_at = _customer_moment(request.answered_at, subject=request.subject, now=now)
    # The term must still run when the bank hears the answer: one that ran out before would be recorded
    # in force and its recipients' stop clocks started at an expiry nobody here knew of.
    if request.expires_at is not None and request.expires_at <= now:
        raise InvalidInput(_("The expiry must be in the future."), field="expires_at")
    last_answer = consent_last_answer_at(subject_id=request.subject.pk, purpose_id=request.purpose.pk)
    if last_answer is not None and answered_at < last_answer:
        raise Conflict(
            _(
                "The customer answered for this purpose again at %(time)s, after this answer: it cannot "
                "replace that later answer."
            ),
            code="answered_since",
            time=timezone.localtime(last_answer).strftime("%Y-%m-%d %H:%M"),
        )
    return answered_at


def withdrawal_said_at(consent: Consent, answered_at: datetime | None, *, now: datetime) -> datetime | None:
    """When the customer said a withdrawal the app captured offline, None when sent without a time (heard
    and said at once). Its wish dates from then; the bank's stop clocks run from `now`, when it heard it.
    Call it once the consent's row is locked. Refused as an answer's time is (`answered_at_of`), and one
    before the consent was given or last changed (409 `answered_since`)."""
    return withdrawals_said_at(consent.subject, [consent], answered_at, now=now)


def withdrawals_said_at(
    subject, consents: Sequence[Consent], answered_at: datetime | None, *, now: datetime
) -> datetime | None:
    """`withdrawal_said_at` for one act withdrawing several of `subject`'s consents (a "withdraw these"):
    checked even when none is left to withdraw, refused whole when any of them was given or changed after."""
    if answered_at is None:
        return None
    said_at = _customer_moment(answered_at, subject=subject, now=now)
    for consent in consents:
        last_event = consent_last_event_at(consent.pk)
        if last_event is not None and said_at < last_event:
            raise Conflict(
                _(
                    "This consent was given or changed at %(time)s, after the customer withdrew it: the "
                    "withdrawal cannot be dated before that."
                ),
                code="answered_since",
                time=timezone.localtime(last_event).strftime("%Y-%m-%d %H:%M"),
            )
    return said_at


def _customer_moment(answered_at: datetime, *, subject, now: datetime) -> datetime:
    """`_device_moment`, and never before the customer was registered with the bank."""
    answered_at = _device_moment(answered_at, now=now)
    if answered_at < subject.created_at:
        raise InvalidInput(
            _("The customer's answer is dated before the customer was registered with the bank."),
            field="answered_at",
        )
    return answered_at


def _device_moment(answered_at: datetime, *, now: datetime) -> datetime:
    """A time the customer's phone sent, within the bounds it is believed (module constants)."""
    if answered_at > now + DEVICE_CLOCK_AHEAD_ALLOWED:
        raise InvalidInput(_("The time of the customer's answer is in the future."), field="answered_at")
    if answered_at < now - OFFLINE_ANSWER_MAX_AGE:
        raise InvalidInput(
            _("The customer's answer is more than %(days)s days old: ask the customer again."),
            field="answered_at", days=OFFLINE_ANSWER_MAX_AGE.days,
        )
    return min(answered_at, now)


def answer_time_audit(*, source: str, answered_at: datetime, now: datetime) -> dict:
    """What an answer's audit entry says of its time beside the recording's own: the file a transcribed
    answer came from (`source`) and when the customer answered, when that was before its recording."""
    return {
        **({"source": source[:100]} if source else {}),
        **({"answered_at": utc_iso(answered_at)} if source or answered_at != now else {}),
    }
