"""How the printable proof bundle shows the JSON's stable codes to a person, in the page's language:
`{{ code|bundle_label:"request_status" }}`. The document keeps the codes (its hash is the same in every
language); only the page speaks."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.actions import action_label
from authorisations.models import AuthorisationEvent
from consents.models import Channel, ConsentStatus, WithdrawalDuty
from consents.receipts import NOTICE_STATES
from consents.scope import localised
from core.actors import ActorKind
from core.labels import choice_label
from deadlines.models import DeadlineRegime, RequestType
from dsr.models import ClockEvent, IdentityMethod, OutcomeReason
from dsr.states import RequestStatus

register = template.Library()

_CLOCK_RESULTS = [
    ("met", pgettext_lazy("deadline", "Met")),
    ("missed", pgettext_lazy("deadline", "Missed")),
    ("pending", pgettext_lazy("deadline", "Running, not yet due")),
    ("paused", pgettext_lazy("deadline", "Stands still while awaiting the customer")),
    ("not_applicable", pgettext_lazy("deadline", "Does not apply")),
]
_STOP_RESULTS = [
    ("on_time", _("Stopped by the deadline")),
    ("late", _("Stopped late")),
    ("open", _("Not yet confirmed, not yet due")),
    ("overdue", _("Not confirmed, past due")),
    ("called_off", _("Called off: the request was refused or cancelled before the recipient confirmed")),
]
_ENTRY_CHECKS = [("ok", _("intact and linked"))]
_DUTY_NOTICES = [("delivered", _("Notice delivered")), *NOTICE_STATES.items()]
_CHOICES = {
    "consent_event": ConsentStatus.choices,
    "channel": Channel.choices,
    "actor_kind": ActorKind.choices,
    "request_type": RequestType.choices,
    "request_status": RequestStatus.choices,
    "outcome_reason": OutcomeReason.choices,
    "clock_event": ClockEvent.choices,
    "identity_method": IdentityMethod.choices,
    "regime": DeadlineRegime.choices,
    "authorisation_event": AuthorisationEvent.Kind.choices,
    "clock_result": _CLOCK_RESULTS,
    "stop_result": _STOP_RESULTS,
    "entry_check": _ENTRY_CHECKS,
    "duty_notice": _DUTY_NOTICES,
    "duty_learnt": WithdrawalDuty.Learnt.choices,
    "duty_confirmed_through": WithdrawalDuty.ConfirmedThrough.choices,
}


@register.filter
def bundle_label(code: str | None, kind: str) -> str:
    """The label of one of the document's codes; an audit action by its registered name."""
    if code in (None, ""):
        return "—"
    if kind == "audit_action":
        return action_label(code)
    return choice_label(_CHOICES[kind], code)


@register.filter
def in_reader_language_of(texts: dict | None) -> str:
    """A {"vi": ..., "en": ...} pair of the document in the page's language."""
    return localised(texts or {})
