"""How the printable pages name the recipients a document quotes: in the reader's language.

The documents (`regulator.documents`) quote a recipient by its Vietnamese name alone, the name a
dossier version's facts are fingerprinted over and filed with. A page read in English names it by the
English name the bank gives it now, looked up by that Vietnamese name (unique, never changed), as the
customer's pages name the recipients of a frozen scope. The documents, their JSON and fingerprints are
left as they are: an English name is wording.
"""

from __future__ import annotations

from typing import Any

from consents.scope import scope_recipients_in_reader_language
from consents.selectors import recipient_names_en
from core.labels import in_reader_language
from core.text import vietnamese_sort_key


def facts_in_reader_language(facts: dict[str, Any]) -> dict[str, Any]:
    """A dossier's facts as its page shows them: the purpose's recipients and the transfer's recipient
    named in the reader's language."""
    names_en = recipient_names_en(by="name")
    recipients = scope_recipients_in_reader_language(facts["recipients"], names_en, key="name")
    shown = {**facts, "recipients": recipients}
    if facts.get("transfer"):
        recipient = facts["transfer"]["recipient"]
        shown["transfer"] = {
            **facts["transfer"], "recipient": in_reader_language(recipient, names_en.get(recipient, ""))
        }
    return shown


def record_in_reader_language(record: dict[str, Any]) -> dict[str, Any]:
    """The record of processing activities as its page shows it: each entry's recipients named in the
    reader's language, in Vietnamese alphabetical order of those names."""
    names_en = recipient_names_en(by="name")
    entries = []
    for entry in record["entries"]:
        named = scope_recipients_in_reader_language(entry["recipients"], names_en, key="name")
        entries.append({**entry, "recipients": sorted(named, key=lambda r: vietnamese_sort_key(r["name"]))})
    return {**record, "entries": entries}
