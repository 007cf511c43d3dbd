"""The documents the bank files or shows an inspector, built from the data the platform holds:
the breach notification in the structure of the authority's Form 08, the impact-assessment dossier
and the record of processing activities.

Each builder returns plain JSON-ready data with stable English keys; the printable pages render the
same data with translated labels, so the JSON download and the page never disagree. Texts that come
from the catalogue are given in Vietnamese (the filing language) with the English beside them.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from consents.models import NoticeVersion, Purpose, Recipient
from core.spreadsheets import SpreadsheetWriter
from core.text import vietnamese_sort_key
from deadlines.history import policies_as_of
from deadlines.models import DeadlineRegime
from deadlines.policy import local_isoformat
from dsr.models import DataCategory, System
from regulator.models import Breach, BreachNotification, Dossier, DossierKind
from regulator.organisation import organisation
from regulator.policy import BREACH_NOTIFICATION

# The laws each document is filed under: English in the JSON, the page's language on the page.
FORM_08_LAW = gettext_noop("Law 91/2025/QH15 Art. 23; Decree 356/2025/ND-CP")
# A violation up to 31/12/2025 falls under Decree 13 (Art. 23), and under Law 91 too when detected from 2026.
FORM_08_LAW_DECREE_13 = gettext_noop("Decree 13/2023/ND-CP Art. 23")
FORM_08_LAW_DECREE_13_AND_LAW_91 = gettext_noop(
    "Decree 13/2023/ND-CP Art. 23; Law 91/2025/QH15 Art. 23; Decree 356/2025/ND-CP"
)
IMPACT_ASSESSMENT_LAW = gettext_noop("Law 91/2025/QH15 Arts. 20-21; Decree 356/2025/ND-CP")
# How long data of a category without a legal retention rule is kept.
UNTIL_PURPOSE_ENDS = gettext_noop("until the purpose ends or consent is withdrawn")
AUTHORITY = "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an"


def _categories(queryset) -> list[dict[str, Any]]:
    return _category_rows(queryset.select_related("retention").order_by("code"))


def _category_rows(categories) -> list[dict[str, Any]]:
    """Categories (with their retention rule loaded), in the order given. Names and laws as the bank
    writes them to the authority, in Vietnamese whatever the reader's language: a dossier's
    fingerprint is taken over these facts, so they must not change with the page's language."""
    return [
        {
            "code": c.code,
            "name": c.name_vi,
            "sensitive": c.sensitive,
            "retention": (
                {
                    "months": c.retention.period_months,
                    "from": c.retention.starts,
                    "law": c.retention.legal_reference_vi,
                }
                if c.retention_id
                else None
            ),
        }
        for c in categories
    ]


def _filer(*, with_address: bool = True) -> dict[str, Any]:
    """The organisation that files and its DPO, as each document names them."""
    org = organisation()
    identity = {"name": org["name"], "registration_number": org["registration_number"]}
    if with_address:
        identity["address"] = org["address"]
    return {
        "organisation": identity,
        "dpo_contact": {"name": org["dpo_name"], "email": org["dpo_email"], "phone": org["dpo_phone"]},
    }


def form08_law(breach: Breach) -> str:
    """The law Form 08 cites: the regimes whose breach-notification rows apply to the breach (Decree 13
    from the violation, Law 91 from the detection), with the one its stored deadline came from; Law 91
    when neither is Decree 13 (a breach recorded before the regime was stored)."""
    # The laws in force at the detection, though the DPO has switched a row off since.
    rows = policies_as_of(BREACH_NOTIFICATION, breach.detected_at, breach.occurred_at)
    regimes = {row.regime for row in rows if row.regime != DeadlineRegime.BANK}
    regimes.add(breach.statutory_regime)
    if DeadlineRegime.VN_DECREE_13 not in regimes:
        return FORM_08_LAW
    if DeadlineRegime.VN_LAW_91 in regimes:
        return FORM_08_LAW_DECREE_13_AND_LAW_91
    return FORM_08_LAW_DECREE_13


def form08(
    breach: Breach,
    *,
    earlier_phases: Sequence[BreachNotification],
    phase: int,
    kind: str,
    submitted_at: datetime,
    late: bool,
    late_reason: str = "",
    new_facts: str = "",
    customers_to_notify: int | None = None,
    to_follow: Sequence[str] = (),
) -> dict[str, Any]:
    """The notification to A05 in the order of Form 08 (Decree 356/2025): organisation and DPO,
    description, categories and counts, likely consequences, measures, time line. `late` is the
    phase's lateness as the breach service decided it (`regulator.services.breaches.phase_late`), and
    the due time printed is the law's (`Breach.authority_due_at`), which the authority judges by;
    `earlier_phases` are the phases already submitted, in order (the caller has them loaded);
    `to_follow` the sections not yet known, said to follow in a later phase."""
    timeline = [
        {"event": "occurred", "at": local_isoformat(breach.occurred_at)},
        {"event": "detected", "at": local_isoformat(breach.detected_at)},
        {"event": "notification_due", "at": local_isoformat(breach.authority_due_at)},
    ]
    for earlier in earlier_phases:
        timeline.append(
            {"event": f"phase_{earlier.phase}_submitted", "at": local_isoformat(earlier.submitted_at)}
        )
    timeline.append({"event": f"phase_{phase}_submitted", "at": local_isoformat(submitted_at)})
    return {
        "form": "08",
        "legal_basis": form08_law(breach),
        "recipient_authority": AUTHORITY,
        "reference": breach.reference,
        "phase": phase,
        "phase_kind": kind,
        "submitted_at": local_isoformat(submitted_at),
        "late": late,
        "late_reason": late_reason,
        **_filer(),
        "description": {
            "title": breach.title,
            "what_happened": breach.description,
            "occurred_at": local_isoformat(breach.occurred_at),
            "detected_at": local_isoformat(breach.detected_at),
            "systems": [
                {"code": s.code, "name": s.name_vi, "processor": s.is_processor}
                for s in breach.systems.order_by("code")
            ],
            "new_facts": new_facts,
        },
        "categories": _categories(breach.categories),
        "counts": {
            "data_subjects": breach.subjects_affected,
            "records": breach.records_affected,
            "customers_to_notify": customers_to_notify,
        },
        "likely_consequences": breach.likely_consequences,
        "measures_taken": breach.measures_taken,
        "to_follow": list(to_follow),
        "timeline": timeline,
    }


# What `_purpose_facts` reads, loaded for many purposes at once: one query per relation whatever the
# number of purposes (the record of processing activities lists the whole catalogue). The orderings
# are those the facts are listed in; the dossier fingerprints are taken over that order, so it stays
# the database's (recipients by code point): what a person reads is put in Vietnamese alphabetical order
# where it is shown (`processing_record`, the dossier page's `vietnamese_order`).
_FACTS_PREFETCHES = (
    Prefetch("notices", queryset=NoticeVersion.objects.order_by("-effective_at"), to_attr="facts_notices"),
    Prefetch(
        "recipients",
        queryset=Recipient.objects.filter(active=True).order_by("name"),
        to_attr="facts_recipients",
    ),
    Prefetch("activity__systems", queryset=System.objects.order_by("code"), to_attr="facts_systems"),
    Prefetch(
        "activity__categories",
        queryset=DataCategory.objects.select_related("retention").order_by("code"),
        to_attr="facts_categories",
    ),
)


def purposes_with_facts(queryset: QuerySet[Purpose] | None = None) -> QuerySet[Purpose]:
    """Purposes with their processing activity, newest notice, active recipients, systems and
    categories loaded in a fixed number of queries (five), for `_purpose_facts`."""
    queryset = Purpose.objects.all() if queryset is None else queryset
    return queryset.select_related("activity").prefetch_related(*_FACTS_PREFETCHES)


def _purpose_facts(purpose: Purpose) -> dict[str, Any]:
    if not hasattr(purpose, "facts_notices"):
        purpose = purposes_with_facts(Purpose.objects.filter(pk=purpose.pk)).get()
    # A purpose without a processing activity yet: the reverse one-to-one raises an AttributeError.
    activity = getattr(purpose, "activity", None)
    notice = purpose.facts_notices[0] if purpose.facts_notices else None
    return {
        "code": purpose.code,
        "name_vi": purpose.name_vi,
        "name_en": purpose.name_en,
        "description_vi": purpose.description_vi,
        "description_en": purpose.description_en,
        "category": purpose.category,
        "legal_basis": purpose.legal_basis,
        "sensitive": purpose.sensitive,
        # Only when the purpose profiles or decides by automated means: a dossier's facts (and their
        # fingerprint) stay as they were for every other purpose.
        **({"automated_processing": purpose.automated_processing} if purpose.automated_processing else {}),
        "notice_version": notice.version if notice else None,
        "cross_border": purpose.cross_border,
        "destination_country": purpose.destination_country,
        "recipients": [
            {"name": r.name, "kind": r.kind, "country": r.country} for r in purpose.facts_recipients
        ],
        "data_subjects": activity.data_subjects if activity else "",
        "systems": [
            {"code": s.code, "name": s.name_vi, "processor": s.is_processor}
            for s in (activity.facts_systems if activity else [])
        ],
        "categories": _category_rows(activity.facts_categories) if activity else [],
        "security_measures": activity.security_measures if activity else "",
        "started_at": local_isoformat(activity.started_at if activity else purpose.created_at),
    }


def dossier_facts(dossier: Dossier) -> dict[str, Any]:
    """The catalogue facts a dossier version is generated from (its fingerprint is taken over these)."""
    facts = _purpose_facts(dossier.purpose)
    if dossier.kind == DossierKind.TRANSFER:
        recipient = dossier.recipient
        facts["transfer"] = {
            "recipient": recipient.name,
            "recipient_kind": recipient.kind,
            "country": recipient.country,
        }
    return facts


def fingerprint(facts: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()


def dossier_document(dossier: Dossier, *, version=None) -> dict[str, Any]:
    """A dossier version as a document: who files, what it covers, the facts, the assessment, the log."""
    version = version or dossier.versions.order_by("-version").first()
    return {
        "document": "impact_assessment",
        "kind": dossier.kind,
        "legal_basis": IMPACT_ASSESSMENT_LAW,
        **_filer(),
        "purpose": dossier.purpose.code,
        "version": version.version if version else 0,
        "status": dossier.status,
        "started_at": local_isoformat(dossier.started_at),
        "due_at": local_isoformat(dossier.due_at),
        "filed_at": local_isoformat(dossier.filed_at),
        "filed_version": dossier.filed_version,
        "facts": version.content["facts"] if version else dossier_facts(dossier),
        "assessment": version.content.get("assessment", "") if version else dossier.assessment,
        "change_log": [
            {
                "version": v.version,
                "at": local_isoformat(v.created_at),
                "cause": v.cause,
                "changed": v.changed_fields,
                "note": v.note,
                "by": v.created_by_label,
            }
            for v in dossier.versions.order_by("version")
        ],
    }


def _retention_periods(purpose: Purpose) -> list[dict[str, Any]]:
    """The distinct retention periods of a purpose's categories: the rule's words in Vietnamese, as the
    facts give them, and its start event's code, for a page in another language to name the start."""
    activity = getattr(purpose, "activity", None)
    rules = {c.retention for c in (activity.facts_categories if activity else []) if c.retention_id}
    return [
        {"months": months, "from": start, "law": law, "start_event": event}
        for months, start, law, event in sorted(
            {(r.period_months, r.starts, r.legal_reference_vi, r.start_event) for r in rules}
        )
    ]


def processing_record(*, now: datetime | None = None) -> dict[str, Any]:
    """The record of processing activities (Law 91; bank policy §10): one entry per active purpose."""
    now = now or timezone.now()
    entries = []
    for purpose in purposes_with_facts(Purpose.objects.filter(active=True).order_by("code")):
        facts = _purpose_facts(purpose)
        periods = _retention_periods(purpose)
        entries.append(
            {
                "purpose": facts["code"],
                "name_vi": facts["name_vi"],
                "name_en": facts["name_en"],
                "legal_basis": facts["legal_basis"],
                "sensitive": facts["sensitive"] or any(c["sensitive"] for c in facts["categories"]),
                "automated_processing": facts.get("automated_processing", ""),
                "categories": [c["code"] for c in facts["categories"]],
                "category_names": [c["name"] for c in facts["categories"]],
                "data_subjects": facts["data_subjects"],
                # Vietnamese alphabetical order for the reader; the facts keep the database's (above).
                "recipients": sorted(facts["recipients"], key=lambda r: vietnamese_sort_key(r["name"])),
                "cross_border_destinations": sorted(
                    {r["country"] for r in facts["recipients"] if r["country"] != "VN"}
                    | ({facts["destination_country"]} if facts["destination_country"] else set())
                ),
                "systems": [s["code"] for s in facts["systems"]],
                "retention": sorted(f"{p['months']} months from {p['from']} ({p['law']})" for p in periods)
                or [UNTIL_PURPOSE_ENDS],
                # The same periods as data, for the page to say in its language.
                "retention_periods": periods,
                "security_measures": facts["security_measures"],
                "started_at": facts["started_at"],
            }
        )
    return {
        "document": "processing_record",
        **_filer(with_address=False),
        "generated_at": local_isoformat(now),
        "entries": entries,
    }


PROCESSING_RECORD_CSV_COLUMNS = (
    "purpose",
    "name_vi",
    "name_en",
    "legal_basis",
    "sensitive",
    "automated_processing",
    "categories",
    "data_subjects",
    "recipients",
    "cross_border_destinations",
    "systems",
    "retention",
    "security_measures",
    "started_at",
)


def processing_record_rows(record: dict[str, Any]) -> list[list[str]]:
    """The record flattened for CSV: lists joined with "; "."""
    rows = []
    for entry in record["entries"]:
        row = []
        for column in PROCESSING_RECORD_CSV_COLUMNS:
            value = entry[column]
            if column == "recipients":
                value = "; ".join(f"{r['name']} ({r['country']})" for r in value)
            elif isinstance(value, list):
                value = "; ".join(value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            row.append(str(value or ""))
        rows.append(row)
    return rows


def processing_record_csv(record: dict[str, Any]) -> str:
    """The record as CSV text: the column names, then one line per purpose (page and API)."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(PROCESSING_RECORD_CSV_COLUMNS)
    writer.writerows(processing_record_rows(record))
    return out.getvalue()
