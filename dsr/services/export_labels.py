"""The words beside an export's codes, in the active language: one function per kind of entry, read by
the JSON's labels, the HTML page and the CSV alike (`dsr.services.export_formats`), so the three forms say
the same thing. Each returns the `*_label` keys its entry gets."""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from authorisations.models import AuthorisationEvent
from authorisations.scopes import DATA_SCOPES
from authorisations.states import AuthorisationStatus
from consents.models import Channel as ConsentChannel
from consents.models import ConsentEvent, ProcessingRestriction, Recipient, WithdrawalDuty
from consents.receipts import transcribed_in_words
from core.actors import ActorKind
from core.labels import choice_label, in_reader_language
from core.roles import Role
from deadlines.models import RequestType
from dsr.models import Channel, ContactField, IdentityMethod, OutcomeReason
from dsr.services.export_sections import (
    FROM_BANK,
    RECORDED_BY_CUSTOMER,
    RECORDED_BY_GUARDIAN,
    RECORDED_BY_STAFF,
    RECORDED_BY_SYSTEM,
    RECORDED_BY_TRANSCRIBED,
    RECORDED_BY_WARD,
    RECORDED_BY_YOU,
)
from dsr.states import RequestStatus
from notifications.models import Channel as MessageChannel
from notifications.models import Notification

SUBJECT_LABELS = {
    "external_ref": _("Customer number (CIF)"),
    "full_name": _("Full name"),
    "national_id": _("Citizen ID (CCCD)"),
    "passport_number": _("Passport number"),
    "date_of_birth": _("Date of birth"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "address": _("Address"),
    "preferred_language": _("Language the bank writes to me in"),
    "relationship_ended_on": _("My relationship with the bank ended on"),
    "relationship": _("The bank holds my data as"),
}
# The words of `who_acted_for_customer` (the customer's receipts), said the same way here.
RECORDED_BY_WORDS = {
    RECORDED_BY_YOU: _("you"),
    RECORDED_BY_GUARDIAN: _("your guardian"),
    RECORDED_BY_WARD: _("your ward"),
    RECORDED_BY_CUSTOMER: _("the customer"),
    RECORDED_BY_STAFF: _("bank staff"),
    RECORDED_BY_SYSTEM: _("the bank's system, automatically"),
}
# What a message to the customer was about, by the start of its topic (the topics the apps that write to
# customers use); the first that matches says it.
MESSAGE_TOPICS = (
    ("dsr.customer.", _("News of your request")),
    ("authorisations.customer.", _("Third-party access to your data")),
    ("consents.notice.fresh_consent", _("Your consent asked again after a change")),
    ("consents.notice.", _("A change to a notice")),
    ("notifications.contact_changed.", _("Your contact details changed")),
    ("regulator.breach.", _("A security incident affecting your data")),
)
CONVERSATION_WORDS = {FROM_BANK: _("The bank's question to you")}
# A new contact detail the customer typed, as "About me" lists it while its code is awaited.
CONTACT_PENDING_WORDS = {
    ContactField.EMAIL: _("New e-mail awaiting confirmation"),
    ContactField.PHONE: _("New phone number awaiting confirmation"),
}


def names_by_code(model, codes) -> dict[str, str]:
    """The name in the active language of each of `model`'s rows (a purpose, a system, a data category)
    an export names by code, read when it is downloaded: one query, none for no codes."""
    return {row.code: row.name for row in model.objects.filter(code__in=codes)}


def purpose_label(purposes: dict[str, str], code: str | None) -> str:
    """A purpose's name in the active language (`purposes`, read when the export is downloaded); None
    stands for every purpose a restriction reaches."""
    if code is None:
        return str(_("all purposes"))
    return purposes.get(code) or humanise(code)


def humanise(key: str) -> str:
    # A system's own field names ("card_count") read as words; the code stays in the JSON.
    text = str(key).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def system_field_label(field_labels: dict[str, dict[str, str]], key: str) -> str:
    """A system's field as the customer reads it: the label the inventory gives it (`System.field_labels`,
    read when the export is downloaded) in the active language, else in the other one, else its key in
    words."""
    entry = field_labels.get(key) or {}
    vietnamese, english = entry.get("vi") or "", entry.get("en") or ""
    return in_reader_language(vietnamese or english, english) or humanise(key)


def recorded_by_label(event: dict[str, Any]) -> str:
    """Who recorded a consent event, as the customer reads it: an answer the bank transcribed, and of
    which day, in the words of their receipt (`transcribed_in_words`); a member of staff by role, an
    integration client by its name, and the words of the customer's receipts for the rest."""
    kind, code = event["recorded_by_kind"], event["recorded_by"]
    if code == RECORDED_BY_TRANSCRIBED:
        return transcribed_in_words(event["event"], event["channel"], parse_datetime(event["at"]))
    if kind == ActorKind.CLIENT:
        return str(_("the bank's application %(name)s") % {"name": code})
    if kind == ActorKind.STAFF and code in Role.values:
        return str(_("bank staff (%(role)s)") % {"role": choice_label(Role.choices, code)})
    return str(RECORDED_BY_WORDS.get(code, RECORDED_BY_WORDS[RECORDED_BY_STAFF]))


def consent_event_labels(event: dict[str, Any], purposes: dict[str, str]) -> dict[str, str]:
    labels = {
        "purpose_label": purpose_label(purposes, event["purpose"]),
        "event_label": choice_label(ConsentEvent.Kind.choices, event["event"]),
        "channel_label": choice_label(ConsentChannel.choices, event["channel"]),
    }
    if "recorded_by" in event:  # an export built before it said who recorded each event has none
        labels["recorded_by_label"] = recorded_by_label(event)
    return labels


def consent_labels(consent: dict[str, Any], purposes: dict[str, str]) -> dict[str, str]:
    return {"purpose_label": purpose_label(purposes, consent["purpose"])}


def recipient_name_label(names_en: dict[int, str], recipient_id: int | None, name: str) -> str:
    """A recipient's name in the active language: the English name the bank gives it now (`names_en`,
    `consents.selectors.recipient_names_en`, read when the export is read, as purposes' names are) for
    a reader of English, else the Vietnamese `name` the export stored. An export built before it stored
    the recipient's id names it as stored."""
    return in_reader_language(name, names_en.get(recipient_id, "") if recipient_id else "")


def recipient_labels(recipient: dict[str, Any], names_en: dict[int, str]) -> dict[str, str]:
    return {
        "kind_label": choice_label(Recipient.Kind.choices, recipient["kind"]),
        "name_label": recipient_name_label(names_en, recipient.get("id"), recipient["name"]),
    }


def withdrawal_duty_labels(duty: dict[str, Any], names_en: dict[int, str]) -> dict[str, str]:
    return {"recipient_label": recipient_name_label(names_en, duty.get("recipient_id"), duty["recipient"])}


def duty_status_label(status: str) -> str:
    return choice_label(WithdrawalDuty.Status.choices, status)


def restriction_labels(restriction: dict[str, Any], purposes: dict[str, str]) -> dict[str, str]:
    return {
        "kind_label": choice_label(ProcessingRestriction.Kind.choices, restriction["kind"]),
        "purpose_label": purpose_label(purposes, restriction["purpose"]),
    }


def request_labels(request: dict[str, Any]) -> dict[str, str]:
    labels = {
        "type_label": choice_label(RequestType.choices, request["type"]),
        "status_label": choice_label(RequestStatus.choices, request["status"]),
        "channel_label": choice_label(Channel.choices, request["channel"]),
    }
    if request.get("outcome_reason"):
        labels["outcome_reason_label"] = choice_label(OutcomeReason.choices, request["outcome_reason"])
    return labels


def conversation_label(line: dict[str, Any]) -> str:
    return str(CONVERSATION_WORDS.get(line["from"], _("Your answer")))


def message_labels(message: dict[str, Any]) -> dict[str, str]:
    topic = message["topic"]
    about = next((words for start, words in MESSAGE_TOPICS if topic.startswith(start)), None)
    return {
        "topic_label": str(about or _("A message from the bank")),
        "channel_label": choice_label(MessageChannel.choices, message["channel"]),
        "status_label": choice_label(Notification.Status.choices, message["status"]),
    }


def access_labels(access: dict[str, Any]) -> dict[str, Any]:
    """What a third party may read, and whether it still may, in words (its scopes as the consent screen
    put them)."""
    return {
        "status_label": choice_label(AuthorisationStatus.choices, access.get("status", "")),
        "scope_labels": [str(DATA_SCOPES.get(scope, scope)) for scope in access.get("scopes") or []],
    }


def language_label(code: str) -> str:
    """The language the bank writes to the customer in, by its own name ("Tiếng Việt", "English")."""
    return choice_label(Language.choices, code)


def notification_channel_labels(channels: list[str] | None) -> list[str]:
    return [choice_label(MessageChannel.choices, channel) for channel in channels or []]


def contact_pending_label(change: dict[str, Any]) -> str:
    return str(CONTACT_PENDING_WORDS.get(change["field"], change["field"]))


def authorisation_event_labels(event: dict[str, Any]) -> dict[str, str]:
    return {
        "event_label": choice_label(AuthorisationEvent.Kind.choices, event["event"]),
        "channel_label": choice_label(ConsentChannel.choices, event["channel"])
        if event.get("channel")
        else "",
    }


def guardian_request_labels(request: dict[str, Any]) -> dict[str, str]:
    """A request filed as guardian: its type, channel and (while the guardian still acts for the child)
    status, and how the guardian's identity was checked ("" while it was not)."""
    return {
        "type_label": choice_label(RequestType.choices, request["type"]),
        "channel_label": choice_label(Channel.choices, request["channel"]),
        "status_label": choice_label(RequestStatus.choices, request["status"])
        if request.get("status")
        else "",
        "identity_method_label": choice_label(IdentityMethod.choices, request["identity_method"])
        if request.get("identity_method")
        else "",
    }
