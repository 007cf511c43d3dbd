"""The proof bundle: one customer's consent history and rights requests in one document, for an
inspector (A05) who asks the DPO to "prove this customer's consent history and rights requests".

One builder for both forms: `proof_bundle` returns plain JSON values (codes, not labels; times as ISO
8601 with the +07:00 offset), which the API and the page give as the JSON file and render as the
printable page (`regulator/proof_bundle.html`, labels and dd/mm/yyyy times in the viewer's language).
The document is the same whatever the reader's language, so its closing `sha256` (of the canonical
JSON of everything else, `bundle_sha256`) matches a printed copy to the file.

Its queries are fixed in number however long the customer's history (bench/proof_bundle.py).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from audit.checkpoints import ArchiveRecord
from audit.hashing import canonical_json
from audit.selectors import (
    AUDIT_ENTRY_CHECKS,
    ChainChecks,
    audit_chain_found_broken,
    audit_chain_full_checks_unfinished,
    audit_chain_last_full_check,
    audit_checkpoints_given_up,
    audit_entries,
    audit_entries_checked,
)
from core.actors import Actor
from deadlines.policy import LOCAL_TZ, local_isoformat
from regulator.proof_bundle.common import Period
from regulator.proof_bundle.consents import consents_section
from regulator.proof_bundle.rights import authorisations_section, requests_section

SCHEMA = "qdl-proof-bundle/1"
ALL_HISTORY = Period()


def bundle_sha256(document: dict[str, Any]) -> str:
    """The SHA-256 of the bundle's canonical JSON (sorted keys, no spaces, UTF-8) without its `sha256`."""
    return hashlib.sha256(canonical_json({k: v for k, v in document.items() if k != "sha256"})).hexdigest()


def proof_bundle(
    subject,
    *,
    generated_by: Actor,
    role: str = "",
    now: datetime | None = None,
    period: Period = ALL_HISTORY,
) -> dict[str, Any]:
    """The customer's proof bundle as it stands `now`, for events in `period` (all by default)."""
    now = now or timezone.now()
    document = {
        "schema": SCHEMA,
        "header": {
            "customer": {"id": str(subject.pk), "cif": subject.external_ref, "name": subject.full_name},
            "controller": settings.BANK_NAME,
            "generated_by": {"label": generated_by.label, "role": role},
            "generated_at": local_isoformat(now),
            "time_zone": str(LOCAL_TZ),
            "platform_version": settings.PLATFORM_VERSION or None,
            "period": {
                "from": local_isoformat(period.since),
                "to": local_isoformat(period.until),
                "to_excluded": period.until_excluded,
                "all_history": period == ALL_HISTORY,
            },
        },
        "consents": consents_section(subject, period, now=now),
        "requests": requests_section(subject, period, now=now),
        "authorisations": authorisations_section(subject, period),
        "audit": _audit(subject, period, now=now),
    }
    document["sha256"] = bundle_sha256(document)
    return document


def _audit(subject, period: Period, *, now: datetime) -> dict[str, Any]:
    entries = audit_entries(subject_id=subject.pk)
    checked = audit_entries_checked(period.filter(entries, "recorded_at"))
    rows = [_audit_row(entry, problem, archive) for entry, problem, archive in checked]
    problems = [{"sequence": entry.sequence, "problem": problem} for entry, problem, _ in checked if problem]
    return {
        "entries": rows,
        "verification": {
            "valid": not problems,
            "entries_checked": len(rows),
            "problems": problems,
            "checked": AUDIT_ENTRY_CHECKS,
        },
        "full_chain_verification": _full_chain_verification(now),
    }


def _audit_row(entry, problem: str, archive: ArchiveRecord | None) -> dict[str, Any]:
    row = {
        "sequence": entry.sequence,
        "at": local_isoformat(entry.recorded_at),
        "action": entry.action,
        "actor": entry.actor_label,
        "actor_kind": entry.actor_kind,
        "target_type": entry.target_type or None,
        "target_id": entry.target_id or None,
        "entry_hash": entry.entry_hash,
        "check": problem or "ok",
    }
    if archive is not None:
        # The first entry left after an archive: its link to the archived entry before it is vouched for by
        # the signed archive record, not by an entry in the database.
        row["linked_by_archive_record"] = {
            "through": archive.through,
            "through_hash": archive.through_hash,
            "month": archive.month,
            "dump_sha256": archive.dump_sha256,
            "recorded_at": local_isoformat(datetime.fromisoformat(archive.written_at)),
            # Written from this very link once the archived entries were gone (an archive made before
            # archive records existed): it vouches for no more than that the bank recorded it.
            "after_the_fact": archive.after_the_fact,
        }
    return row


def _full_chain_verification(now: datetime) -> dict[str, Any]:
    """The latest verification of the whole chain on record as of `now` (the weekly job's entry), read
    from the trail: building the bundle never walks the chain itself. It began at `from_sequence`: entry
    #1, or the first entry left when earlier months were archived (docs/deployment.md). Its `result` is
    "intact", "broken", or "restored": the chain checks out, but `restores` names entries lost in
    restores from a backup (docs/operations.md). `stopped_unfinished`, only when there were any: the
    whole-chain checks started after it (or at all, with none on record) and stopped by their time limit,
    so that nobody reads "verified on X" without learning that a later check never ended. `found_broken`,
    only when there were any: the checks recorded after it (or at all) that found the chain broken,
    whatever they read (the nightly check reads the entries since the last checkpoint), so that nobody
    reads "intact on X" without learning that a later check found it broken."""
    outcome = audit_chain_last_full_check(until=now)
    later = _checked_later(after=outcome, now=now)
    if outcome is None:
        return {"on_record": False, **later}
    intact = outcome.action == "audit.chain.verified"
    # Entries lost in a restore from a backup, each named by a signed restore record: the chain that is
    # left checks out, and is not called intact.
    restores = [
        {"restored_to": restore["restored_to"], "lost_from": restore["restored_to"] + 1,
         "lost_through": restore["lost_through"],
         "recorded_at": local_isoformat(datetime.fromisoformat(restore["recorded_at"]))}
        for restore in outcome.data.get("restores") or ()
    ]
    quoted = {
        "on_record": True,
        "at": local_isoformat(outcome.recorded_at),
        "result": ("restored" if restores else "intact") if intact else "broken",
        "entries_checked": outcome.data.get("entries"),
        "up_to_sequence": outcome.data.get("head_sequence") if intact else None,
        "reason": outcome.data.get("reason") or None,
        "audit_entry": outcome.sequence,
        "from_sequence": outcome.data.get("from_sequence", 1),
        "earlier_entries_archived": bool(outcome.data.get("archived_before")),
        "archive_recorded_after_the_fact": bool(outcome.data.get("archive_after_the_fact")),
    }
    if restores:
        quoted["restores"] = restores
    if given_up := audit_checkpoints_given_up(until=now):
        # Entries before each were held to checkpoints the bank no longer has: the check vouches for them
        # by their links alone.
        quoted["checkpoints_given_up"] = [
            {"at": local_isoformat(entry.recorded_at), "by": entry.actor_label, "audit_entry": entry.sequence,
             "reason": entry.data["reason"]}
            for entry in given_up
        ]
    return {**quoted, **later}


def _checked_later(*, after, now: datetime) -> dict[str, Any]:
    """The checks recorded after the outcome cited that say it may no longer hold."""
    since = {"after_sequence": after.sequence if after else 0, "until": now}
    later = {}
    if stopped := audit_chain_full_checks_unfinished(**since):
        later["stopped_unfinished"] = _checks(
            stopped, last_job=stopped.latest.data.get("job"),
            last_limit_seconds=stopped.latest.data.get("limit_seconds"),
        )
    if broken := audit_chain_found_broken(**since):
        later["found_broken"] = _checks(
            broken, last_scope=broken.latest.data.get("scope"), last_reason=broken.latest.data.get("reason"),
        )
    return later


def _checks(checks: ChainChecks, **about_the_latest: Any) -> dict[str, Any]:
    return {
        "count": checks.count,
        "first_at": local_isoformat(checks.first_at),
        "last_at": local_isoformat(checks.latest.recorded_at),
        "last_audit_entry": checks.latest.sequence,
        **about_the_latest,
    }
