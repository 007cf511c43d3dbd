"""A purpose's scope (what a customer agrees to), whether a change widens it, and the snapshot a
consent freezes.

Domain notes ("Consent rules"): a widening of a purpose (new recipients or destinations, sensitivity,
data categories, legal basis, retention; here also a move into or out of marketing) is a new version,
announced ahead, and consents given to older versions need re-consent once it takes effect. Widening is
decided here, never chosen by hand.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy

from consents.models import (
    AUTOMATED_PROCESSING_REACH,
    SENSITIVE_DATA_CATEGORIES,
    AutomatedProcessing,
    Consent,
    DataCategory,
    NoticeVersion,
    Purpose,
    PurposeCategory,
    Recipient,
)
from core.labels import in_reader_language

HOME_COUNTRY = "VN"

# The purpose fields that make up its scope; changing any of them makes a new purpose version.
SCOPE_FIELDS = (
    "category",
    "recipients",
    "cross_border",
    "destination_country",
    "sensitive",
    "data_categories",
    "legal_basis",
    "retention_months",
    "transfer_exemption",
    "automated_processing",
)


def recipient_entry(recipient: Recipient) -> dict[str, Any]:
    return {"id": recipient.pk, "name": recipient.name, "kind": recipient.kind, "country": recipient.country}


def scope_recipients_in_reader_language(
    entries: list[dict], names_en: dict[Any, str], *, key: str = "id"
) -> list[dict]:
    """A scope's recipient entries as a page shows them: named in the reader's language, the live
    recipient's English name (`names_en`, by the entries' `key`: their id, or their `name` for the
    entries that froze no id) for a reader of English when it has one, else the name the scope froze.
    The scope itself is left as it is (receipts keep their bytes): an English name is wording, not
    scope."""
    return [
        {**entry, "name": in_reader_language(entry["name"], names_en.get(entry[key], ""))}
        for entry in entries
    ]


def data_categories_named(codes) -> list[dict[str, Any]]:
    """A scope's data categories as a page names them, in the reader's language, each marked when it is
    sensitive (Decree 13/2023 Art. 2.4, carried into Law 91/2025): the customer is told which data a
    purpose uses, and which of it is sensitive, before agreeing, as the receipt repeats after. A code this
    version no longer knows is shown as stored."""
    return [
        {
            "label": str(DataCategory(code).label) if code in DataCategory.values else code,
            "sensitive": code in SENSITIVE_DATA_CATEGORIES,
        }
        for code in codes or ()
    ]


# Each kind said to the customer: the catalogue's labels speak of "the customer" to the DPO.
AUTOMATED_PROCESSING_TO_THE_CUSTOMER = {
    AutomatedProcessing.PROFILING: gettext_lazy(
        "Your data is used to profile you: an automated system evaluates your behaviour, interests or "
        "situation."
    ),
    AutomatedProcessing.AUTOMATED_DECISION: gettext_lazy(
        "Decisions about you are made by automated means, such as credit scoring or fraud rules."
    ),
}


def automated_processing_named(code: str | None) -> str:
    """What a scope's automated processing is, as the customer's pages, receipt, export and announcements
    tell the customer, in the reader's language; blank when the purpose neither profiles nor decides by
    automated means."""
    return str(AUTOMATED_PROCESSING_TO_THE_CUSTOMER[code]) if code in AutomatedProcessing.values else ""


def purpose_scope(purpose: Purpose, recipients: list[Recipient] | None = None) -> dict[str, Any]:
    """The scope of `purpose` as its fields stand (with `recipients` instead of its saved ones).
    `cross_border` and `destination_country` are the DPO's flag; `destinations` is where the data
    really goes, the flag's country and every recipient's outside Vietnam."""
    recipients = list(purpose.recipients.all()) if recipients is None else recipients
    entries = sorted((recipient_entry(r) for r in recipients), key=lambda r: r["id"])
    return {
        "category": purpose.category,
        "recipients": entries,
        "cross_border": purpose.cross_border,
        "destination_country": purpose.destination_country,
        "destinations": purpose_destinations(purpose, recipients),
        "sensitive": scope_sensitive(purpose.sensitive, purpose.data_categories),
        "data_categories": sorted(set(purpose.data_categories)),
        "legal_basis": purpose.legal_basis,
        "retention_months": purpose.retention_months,
        "transfer_exemption": purpose.transfer_exemption,
        "automated_processing": purpose.automated_processing,
    }


def purpose_destinations(purpose: Purpose, recipients: list[Recipient] | None = None) -> list[str]:
    """Where the purpose's data goes outside Vietnam as its fields stand (its recipients prefetched), or
    with `recipients` instead of its saved ones."""
    recipients = list(purpose.recipients.all()) if recipients is None else recipients
    entries = [recipient_entry(r) for r in recipients]
    return destinations_of(purpose.cross_border, purpose.destination_country, entries)


def latest_scope(purpose: Purpose) -> dict[str, Any]:
    """The scope of the purpose's latest version, scheduled or in effect: what a further change is
    judged against (the purpose row keeps the scope in effect until a scheduled version's date). A
    version stored before destinations were derived gets those its customers were told, and one stored
    while the category was wording the purpose's category (it then changed at once)."""
    latest = purpose.notices.order_by("-effective_at").first()
    if latest is None:
        return purpose_scope(purpose)
    return {
        "category": purpose.category,
        "automated_processing": "",
        **latest.scope,
        "destinations": told_destinations(latest.scope),
    }


def destinations_of(cross_border: bool, destination_country: str, recipients: list[dict]) -> list[str]:
    """Every country outside Vietnam the data goes to: the flagged destination and each recipient's
    country. Data sent to a recipient abroad is a cross-border transfer whatever the flag says."""
    countries = {r.get("country", HOME_COUNTRY) for r in recipients} - {HOME_COUNTRY}
    if cross_border and destination_country:
        countries.add(destination_country)
    return sorted(countries)


def scope_abroad(scope: dict[str, Any]) -> bool:
    """Whether the data really goes abroad under this scope, a version stored by an earlier release
    too (its recipients carry their countries): what the rules read."""
    return bool(destinations_of(scope["cross_border"], scope["destination_country"], scope["recipients"]))


def told_destinations(scope: dict[str, Any]) -> list[str]:
    """The destinations the customers were told of: the scope's own; for a version stored before they
    were derived, the flag's country alone. A widening is judged against these."""
    if "destinations" in scope:
        return scope["destinations"]
    return [scope["destination_country"]] if scope["cross_border"] and scope["destination_country"] else []


def abroad_as_told(scope: dict[str, Any]) -> tuple[bool, str | None]:
    """(sent abroad, to which countries) as a receipt or an export states it. A version stored
    before destinations were derived reads as it always did, so its receipts keep their bytes."""
    if "destinations" not in scope:
        return scope["cross_border"], scope["destination_country"] or None
    return bool(scope["destinations"]), ", ".join(scope["destinations"]) or None


def scope_sensitive(flag: bool, data_categories) -> bool:
    """Sensitive when marked so or when any data category is sensitive (Law 91/2025, Decree 356/2025)."""
    return bool(flag) or bool(set(data_categories) & SENSITIVE_DATA_CATEGORIES)


def scope_widenings(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The scope fields in which `new` reaches further than `old` (empty: a narrowing or no change)."""
    widened = []
    # Marketing relies on consent alone and never serves a child's data: a move into or out of it
    # changes what the consent means, either way.
    if (old["category"] == PurposeCategory.MARKETING) != (new["category"] == PurposeCategory.MARKETING):
        widened.append("category")
    if {r["id"] for r in new["recipients"]} - {r["id"] for r in old["recipients"]}:
        widened.append("recipients")
    if set(told_destinations(new)) - set(told_destinations(old)):
        widened.append("destination_country")
    if new["sensitive"] and not old["sensitive"]:
        widened.append("sensitive")
    if set(new["data_categories"]) - set(old["data_categories"]):
        widened.append("data_categories")
    if new["legal_basis"] != old["legal_basis"]:
        widened.append("legal_basis")
    old_months, new_months = old["retention_months"], new["retention_months"]
    if old_months is not None and (new_months is None or new_months > old_months):
        widened.append("retention_months")
    if new["transfer_exemption"] and new["transfer_exemption"] != old["transfer_exemption"]:
        widened.append("transfer_exemption")
    if scope_automated_reach(new) > scope_automated_reach(old):
        widened.append("automated_processing")
    return widened


def scope_automated_reach(scope: dict[str, Any]) -> int:
    """How far a scope's automated processing reaches (`AUTOMATED_PROCESSING_REACH`); a version stored
    before the catalogue recorded it reads as none, as its customers were told."""
    return AUTOMATED_PROCESSING_REACH.get(scope.get("automated_processing", ""), 0)


def text_sha256(text_vi: str, text_en: str) -> str:
    return hashlib.sha256(f"{text_vi}\n\n{text_en}".encode()).hexdigest()


def consent_snapshot(purpose: Purpose, notice: NoticeVersion) -> dict[str, Any]:
    """Everything the receipt shows about what was agreed to, frozen at the grant: the purpose's
    wording as it stood and the scope of the version consented to."""
    return {
        "purpose": {
            "code": purpose.code,
            "name": {"vi": purpose.name_vi, "en": purpose.name_en},
            "description": {"vi": purpose.description_vi, "en": purpose.description_en},
            "category": purpose.category,
            "consequences": {"vi": purpose.consequences_vi, "en": purpose.consequences_en},
        },
        "scope": notice.scope,
        "notice": {
            "version": notice.version,
            "effective_at": utc_iso(notice.effective_at),
            "text": {"vi": notice.text_vi, "en": notice.text_en},
            "text_sha256": text_sha256(notice.text_vi, notice.text_en),
        },
    }


def scope_agreed(consent: Consent, key: str, *, otherwise: Any) -> Any:
    """`key` of the scope the customer agreed to: the receipt's frozen scope, or, for a consent recorded
    before receipts froze it, the scope of the version it names; `otherwise` when neither says."""
    for scope in (consent.snapshot.get("scope"), consent.notice.scope):
        if scope and key in scope:
            return scope[key]
    return otherwise


def recipient_ids_agreed(consent: Consent) -> list[int] | None:
    """The recipients named in what the customer agreed to, who received the data under this consent;
    None for a consent whose agreement names none (recorded before scopes were frozen): the purpose's
    recipients, active or not, are its record."""
    agreed = scope_agreed(consent, "recipients", otherwise=None)
    return None if agreed is None else [entry["id"] for entry in agreed]


def utc_iso(moment: datetime | None) -> str | None:
    """A time as stored (UTC), so a document built from it is the same bytes wherever it was read."""
    return moment.astimezone(UTC).isoformat() if moment else None


def localised(texts: dict[str, str]) -> str:
    """The reader's language from a {"vi": ..., "en": ...} pair (Vietnamese by default)."""
    return in_reader_language(texts.get("vi", ""), texts.get("en", ""))
