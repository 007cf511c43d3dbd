"""Recipients' duties' clock (to stop after a withdrawal, a restriction or a purpose change, to correct
after a rectification, to delete after an erasure), plugged into
the deadline machinery (`core.clocks`): the privacy officers are reminded before a recipient's 72 hours
run out, and a passed deadline is a breach."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consents.models import WithdrawalDuty
from core.labels import in_reader_language
from deadlines.clocks import ClockSource, clock_columns, register_clock_source, short_id

SOURCE = "consents.duty"


def open_duties(clock: str) -> QuerySet:
    # `status="open"` repeats the partial index's condition so the planner can use it.
    return clock_columns(
        WithdrawalDuty.objects.filter(status=WithdrawalDuty.Status.OPEN), due="due_at", subject="subject_id"
    )


def label(row: dict[str, Any]) -> str:
    # The recipient is a company, not a person: its name may appear, in the language the label is read in.
    if row["kind"] == WithdrawalDuty.Kind.RECTIFICATION:
        text = gettext("Correction notice to %(recipient)s #%(id)s")
    elif row["kind"] == WithdrawalDuty.Kind.RESTRICTION:
        text = gettext("Restriction stop of %(recipient)s #%(id)s")
    elif row["kind"] == WithdrawalDuty.Kind.PURPOSE_CHANGE:
        text = gettext("Stop after a purpose change, of %(recipient)s #%(id)s")
    elif row["kind"] == WithdrawalDuty.Kind.ERASURE:
        text = gettext("Erasure notice to %(recipient)s #%(id)s")
    else:
        text = gettext("Withdrawal duty of %(recipient)s #%(id)s")
    recipient = in_reader_language(row["recipient__name"], row["recipient__name_en"])
    return text % {"recipient": recipient, "id": short_id(row["clock_item_id"])}


def link(row: dict[str, Any]) -> str:
    # The recipient's own open notices: among every recipient's, the one reminded of may be far down.
    query = urlencode({"status": WithdrawalDuty.Status.OPEN.value, "recipient": row["recipient_id"]})
    return f"{reverse('consents:duty_list')}?{query}"


def register() -> None:
    register_clock_source(
        ClockSource(
            name=SOURCE,
            clocks=("due",),
            open_items=open_duties,
            label=label,
            link=link,
            fields=("recipient_id", "recipient__name", "recipient__name_en", "kind"),
            clock_labels={"due": _("recipient's deadline to stop, correct or delete")},
        )
    )
