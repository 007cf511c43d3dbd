"""What the bank still keeps about the customer because a law makes it, in the access or copy export: each
legal hold not yet released (the part of a deletion a law kept: which data, in which system, under which
law, until when, and the deletion it was kept from). A customer who left and had her data deleted where
the law allows asks "what do you still keep about me, and why?" (domain notes, "Retention and deletion":
the customer is told which part waits and why); the export is that answer.

Stored with both languages of the rule's name and law as the hold copied them (`dsr.services.deletion`),
so a later download reads in its reader's language and a hold released since reads as it stood when the
export was built; the category's and system's names are read when downloaded, as the systems' are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.labels import choice_label, in_reader_language
from deadlines.policy import local_isoformat
from dsr.models import DataCategory, LegalHold, RetentionLaw, System
from dsr.services.export_labels import names_by_code
from subjects.models import DataSubject

SECTION = "legal_holds"


def legal_hold_entries(subject: DataSubject) -> list[dict[str, Any]]:
    """The customer's legal holds not yet released, the soonest to end first (undated ones last). One
    query."""
    holds = (
        LegalHold.objects.filter(subject_id=subject.pk, released_at__isnull=True)
        .select_related("category", "system")
        .order_by("ends_on", "system__code", "category__code")
    )
    return [
        {
            "system": hold.system.code,
            "category": hold.category.code,
            "reason_vi": hold.reason_vi,
            "reason_en": hold.reason_en,
            "legal_reference_vi": hold.legal_reference_vi,
            "legal_reference_en": hold.legal_reference_en,
            "law": hold.law,
            "start_event": hold.start_event,
            "period_months": hold.period_months,
            "since": local_isoformat(hold.created_at),
            # None while the period's start event (the end of the relationship) has not happened.
            "kept_until": hold.ends_on.isoformat() if hold.ends_on else None,
            "request": str(hold.request_id) if hold.request_id else None,
        }
        for hold in holds
    ]


def _kept_until_words(hold: dict[str, Any], when: Callable[[str | None], str]) -> str:
    if hold.get("kept_until"):
        return str(_("Kept until the end of %(day)s.") % {"day": when(hold["kept_until"])})
    months = hold.get("period_months") or 0
    return ngettext(
        "Kept for %(months)s month after your relationship with the bank ends; there is no end date yet.",
        "Kept for %(months)s months after your relationship with the bank ends; there is no end date yet.",
        months,
    ) % {"months": months}


def _labels(
    hold: dict[str, Any], names: tuple[dict[str, str], dict[str, str]], references: dict[str, str],
    when: Callable[[str | None], str],
) -> dict[str, str]:
    categories, systems = names
    return {
        "category_label": categories.get(hold["category"], hold["category"]),
        "system_label": systems.get(hold["system"], hold["system"]),
        "reason_label": in_reader_language(hold.get("reason_vi", ""), hold.get("reason_en", "")),
        "legal_reference_label": in_reader_language(
            hold.get("legal_reference_vi", ""), hold.get("legal_reference_en", "")
        ),
        "law_label": choice_label(RetentionLaw.choices, hold.get("law", "")),
        "kept_until_label": _kept_until_words(hold, when),
        "request_reference": references.get(hold.get("request") or "", ""),
    }


def _all_names(content: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    holds = content.get(SECTION, [])
    return (
        names_by_code(DataCategory, {hold["category"] for hold in holds}),
        names_by_code(System, {hold["system"] for hold in holds}),
    )


def readable_legal_holds(
    content: dict[str, Any], *, references: dict[str, str], when: Callable[[str | None], str]
) -> list[dict[str, str]]:
    """The holds as the page and the CSV show them, in the active language (none in an export built
    before they were listed)."""
    if not content.get(SECTION):
        return []
    names = _all_names(content)
    return [
        {**_labels(hold, names, references, when), "since": when(hold.get("since"))}
        for hold in content[SECTION]
    ]


def label_legal_holds(
    labelled: dict[str, Any], *, references: dict[str, str], when: Callable[[str | None], str]
) -> None:
    """The JSON download's holds: their codes and ISO dates as stored, with labels beside them."""
    if not labelled.get(SECTION):
        return
    names = _all_names(labelled)
    for hold in labelled[SECTION]:
        hold.update(_labels(hold, names, references, when))
