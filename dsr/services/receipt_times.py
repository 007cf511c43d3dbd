"""When, and by whom, a request was received: the moment both clocks start from. Staff may date a paper
form typed in later, and a request a transferred portfolio brings over keeps the day the other bank
received it (Law 91/2025: the controller changes with a merger, an acquisition or a division; the
customer's deadline does not)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actors import Actor
from core.errors import InvalidInput
from core.text import nfc
from deadlines.policy import END_OF_DAY, LOCAL_TZ, Deadlines, local_midnight

# How far back staff may date a request's receipt (a paper form typed in days after it came): the longest
# period the law gives to complete a request (Law 91 / Decree 356: a deletion a processor must carry
# out, 30 days). A form older than that has run out of every clock; its date is more likely mistyped,
# and the DPO is to hear of it rather than the platform take it in quietly.
RECEIVED_AT_MAX_DAYS_BACK = 30
RECEIVED_BY_MAX_LENGTH = 150


def receipt_check(
    received_at: datetime | None, received_by: str, *, actor: Actor, now: datetime
) -> tuple[datetime, str]:
    """When the request was received (`now` unless staff say it came earlier) and the other bank that
    received it (blank: this bank). Customers and integration clients file as they send, so their
    requests are received when they arrive. Never in the future; at most `RECEIVED_AT_MAX_DAYS_BACK`
    local days before today for the bank's own forms. A request another bank received comes with its
    day however long ago, so one overdue there arrives overdue, not with a later, invented date."""
    received_by = nfc(received_by or "").strip()
    if received_by and not actor.is_staff:
        raise InvalidInput(
            _("Only bank staff record that another bank received a request."), field="received_by"
        )
    if len(received_by) > RECEIVED_BY_MAX_LENGTH:
        raise InvalidInput(
            _("The name of the bank that received it is longer than %(max)s characters."),
            field="received_by", max=RECEIVED_BY_MAX_LENGTH,
        )
    if received_by and received_at is None:
        raise InvalidInput(
            _("Give the day %(bank)s received the request: its clocks run from that day."),
            field="received_at", bank=received_by,
        )
    if received_at is None:
        return now, ""
    if not actor.is_staff:
        raise InvalidInput(
            _("Only bank staff record that a request was received before it was recorded."),
            field="received_at",
        )
    if received_at > now:
        raise InvalidInput(_("The day of receipt cannot be in the future."), field="received_at")
    earliest = timezone.localdate(now, LOCAL_TZ) - timedelta(days=RECEIVED_AT_MAX_DAYS_BACK)
    if not received_by and timezone.localdate(received_at, LOCAL_TZ) < earliest:
        raise InvalidInput(
            _("The day of receipt is more than %(days)s days ago (the earliest is %(earliest)s), longer "
              "than the law gives to answer any request. Check the date on the form; if it is right, tell "
              "the DPO."),
            field="received_at",
            days=RECEIVED_AT_MAX_DAYS_BACK,
            earliest=earliest.isoformat(),
        )
    return received_at, received_by


def extended_elsewhere_deadlines(
    deadlines: Deadlines, extended_until: date | None, note: str, *, received_at: datetime, received_by: str
) -> tuple[Deadlines, str]:
    """The deadlines of a request the other bank (`received_by`) already extended until `extended_until`,
    for `note`, and that note: the law allows one extension (Law 91/2025), so the request comes in with
    it used, and both clocks end with the day it was extended to (`deadlines`: the law's, extended),
    never later than the law allows. Without `extended_until`: `deadlines` as they are."""
    note = nfc(note or "").strip()
    if extended_until is None:
        if note:
            raise InvalidInput(
                _("Give the day the other bank extended the request to."), field="extended_until"
            )
        return deadlines, ""
    if not received_by:
        raise InvalidInput(
            _("Only a request another bank received comes in already extended: name that bank."),
            field="extended_until",
        )
    if not note:
        raise InvalidInput(
            _("Give the reason %(bank)s gave the customer for the extension."), field="extension_note",
            bank=received_by,
        )
    ends = datetime.combine(extended_until, END_OF_DAY, tzinfo=LOCAL_TZ)
    latest = deadlines.statutory_due_at or deadlines.due_at
    if ends > latest or extended_until < timezone.localdate(received_at, LOCAL_TZ):
        raise InvalidInput(
            _("The day the request was extended to must fall between its receipt and %(latest)s, the latest "
              "the law allows with its one extension. Check the date the other bank gave."),
            field="extended_until", latest=timezone.localdate(latest, LOCAL_TZ).isoformat(),
        )
    statutory = min(deadlines.statutory_due_at, ends) if deadlines.statutory_due_at else None
    return replace(deadlines, due_at=min(deadlines.due_at, ends), statutory_due_at=statutory), note


def received_on_moment(day: date | None, *, now: datetime | None = None) -> datetime | None:
    """The receipt time (`request_create`'s `received_at`) of a request the intake page says the bank
    received on `day`: none (received when saved) for today, else the start of that local day. The
    law's periods count whole days from the day after receipt (`deadlines.policy`), so any hour of
    that day gives the same statutory dates; only the bank's hour-based commitment depends on the hour,
    and the start of the day is the one moment that never makes it later than it could be."""
    if day is None or day == timezone.localdate(now or timezone.now(), LOCAL_TZ):
        return None
    return local_midnight(day)
