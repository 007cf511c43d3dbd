"""What an access or copy export leaves out, said in the export itself: a customer taking her copy to
another bank, or reading it to learn what the bank holds, must not take it for everything. Some parts are
left out by design (the bank's internal notes, staff names, the wording of messages, other people's data,
what the law forbids disclosing); and a system of the inventory that holds a kind of personal data but does
not answer this type of request was not asked at all, so its data is not in the copy.

Stored as codes (and the systems' codes), read in the reader's language when downloaded, as the rest."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from dsr.models import DataSubjectRequest, System
from dsr.models.inventory import PLATFORM_SYSTEM
from dsr.services.export_labels import names_by_code

SECTION = "left_out"
SYSTEMS_NOT_ASKED = "systems_not_asked"
# Left out of every export, each with why or where the customer finds what is given instead.
LEFT_OUT_BY_DESIGN = {
    "internal_notes": _(
        "The bank's internal working notes on your requests; what you were told is included."
    ),
    "staff_names": _("The names of the bank's staff: each act shows the role of the person who recorded it."),
    "message_texts": _(
        "The wording of the messages the bank sent you: their topic, channel and outcome are listed."
    ),
    "other_people": _("Other people's personal data: a guardian or a child appears by customer number only."),
    "withheld_by_law": _("Information the law forbids the bank to disclose to you."),
}


def left_out_entries(request: DataSubjectRequest) -> list[dict[str, Any]]:
    """What this export leaves out: the parts left out by design, then the active systems holding personal
    data that do not act on the request's type (the platform's own data is the export's other sections).
    One query."""
    holding = (
        System.objects.filter(active=True, categories__isnull=False)
        .exclude(code=PLATFORM_SYSTEM)
        .distinct()
        .order_by("code")
    )
    not_asked = [system.code for system in holding if not system.acts_on(request.type)]
    entries: list[dict[str, Any]] = [{"code": code} for code in LEFT_OUT_BY_DESIGN]
    if not_asked:
        entries.append({"code": SYSTEMS_NOT_ASKED, "systems": not_asked})
    return entries


def _label(entry: dict[str, Any], names: dict[str, str]) -> str:
    if entry["code"] == SYSTEMS_NOT_ASKED:
        systems = ", ".join(names.get(code, code) for code in entry.get("systems", []))
        return str(
            _(
                "What these systems hold, which do not answer this kind of request: %(systems)s. Ask the "
                "bank's data protection officer for it."
            )
            % {"systems": systems}
        )
    return str(LEFT_OUT_BY_DESIGN.get(entry["code"], entry["code"]))


def _system_names(entries: list[dict[str, Any]]) -> dict[str, str]:
    return names_by_code(System, {code for entry in entries for code in entry.get("systems", [])})


def readable_left_out(content: dict[str, Any]) -> list[str]:
    """One sentence per part left out, in the active language (none in an export built before)."""
    entries = content.get(SECTION, [])
    names = _system_names(entries)
    return [_label(entry, names) for entry in entries]


def label_left_out(labelled: dict[str, Any]) -> None:
    """The JSON download's codes, each with its sentence beside it (`label`)."""
    entries = labelled.get(SECTION, [])
    names = _system_names(entries)
    for entry in entries:
        entry["label"] = _label(entry, names)
