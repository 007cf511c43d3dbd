"""The recorded outcomes of verifications of the audit chain, as documents cite them."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from django.db.models import Count, Min

from audit.checkpoints import checkpoint_dir
from audit.hashing import UNKEYED, entry_seal_problem, mac_keys_prepared
from audit.models import AuditEntry

# The entries every recorded verification writes (`audit.services.audit_chain_check`: the jobs, the
# trail page, `verify_audit`), and what each says it read (its `scope`): the whole chain in the database
# (from `from_sequence`: entry #1, or the first one left when earlier months were archived, then with
# `archived_before`), or from the head of the last signed checkpoint on.
CHAIN_BROKEN = "audit.chain.broken"
CHAIN_OUTCOMES = ("audit.chain.verified", CHAIN_BROKEN)
# A lost series of checkpoints given up (`audit.services.audit_checkpoints_restart`): verifications held to
# it no longer call for its files.
CHECKPOINTS_RESTARTED = "audit.checkpoints.restarted"
# A verification stopped by its time limit before it ended (`audit.services.audit_chain_unfinished_record`):
# no outcome, nothing verified; written with the same `scope`.
CHAIN_UNFINISHED = "audit.chain.unfinished"
CHAIN_FULL = "full"
CHAIN_SINCE_CHECKPOINT = "since_checkpoint"
# Outcomes read per round trip while looking for the latest with a sound seal: almost always the first.
_OUTCOMES_PER_READ = 20


def audit_chain_checkpoints_gone() -> str:
    """Why the chain cannot be verified against a checkpoint directory that holds nothing, or "": the
    trail's latest verification held to signed checkpoints says files were written for this database,
    and a new first checkpoint would bless whatever a restore from a backup lost since the last one (the
    directory left behind with a dead server, or a new server not pointed at it). Asked only when the
    directory holds no checkpoint (`audit.selectors.chain.audit_chain_verify`). Given up for good with its
    reason (`audit.services.audit_checkpoints_restart`), that series asks for nothing more."""
    held = (AuditEntry.objects.filter(action__in=CHAIN_OUTCOMES, data__report__checkpoints__gt=0)
            .order_by("-sequence").first())
    if held is None or AuditEntry.objects.filter(action=CHECKPOINTS_RESTARTED,
                                                 sequence__gt=held.sequence).exists():
        return ""
    return (
        f"the trail's verification of {held.recorded_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC (entry "
        f"#{held.sequence}) was held to {held.data['report']['checkpoints']} signed checkpoints, but "
        f"{checkpoint_dir()} (AUDIT_CHECKPOINT_DIR) holds none: the directory was lost or is not the one "
        "this database's checkpoints were written to. Put its files back (their backup, the write-once "
        "copy, the lines e-mailed to internal audit) before anything else; only if they are gone for good, "
        "give them up with the reason (manage.py audit_checkpoints_restart --reason TEXT)"
    )


def audit_checkpoints_given_up(*, until: datetime | None = None) -> list[AuditEntry]:
    """The entries that gave up a lost series of checkpoints (`audit.services.audit_checkpoints_restart`),
    oldest first, recorded at or before `until`: every entry before each is held to no checkpoint any
    more, which a verification calling the chain intact must not leave unsaid."""
    given_up = AuditEntry.objects.filter(action=CHECKPOINTS_RESTARTED).order_by("sequence")
    return list(given_up if until is None else given_up.filter(recorded_at__lte=until))


def audit_chain_last_full_check(*, until: datetime | None = None) -> AuditEntry | None:
    """The latest recorded outcome (intact or broken) of a verification of the whole chain in the
    database, from its first entry, or from the first one left after archived months (its
    `archived_before`) (the weekly job, the trail page's "whole chain" button, `manage.py verify_audit`;
    the nightly job too while no checkpoint is on file), recorded at or before `until`; None when there
    is none. Reads the record, never walks the chain. Outcomes recorded before the scope was (2026-12)
    say nothing of it and are not counted, nor is one whose keyed seal does not check out: anyone who can
    write to the database can append an entry with the plain SHA-256 of the days before the keyed seal."""
    outcomes = AuditEntry.objects.filter(action__in=CHAIN_OUTCOMES, data__scope=CHAIN_FULL)
    if until is not None:
        outcomes = outcomes.filter(recorded_at__lte=until)
    keys = mac_keys_prepared()
    keyed = outcomes.exclude(mac_key_id=UNKEYED).order_by("-sequence")
    sealed = (outcome for outcome in keyed.iterator(chunk_size=_OUTCOMES_PER_READ)
              if not entry_seal_problem(outcome, keys=keys, keyed_since=None))
    return next(sealed, None)


class ChainChecks(NamedTuple):
    """Recorded verifications of one kind: how many, when the first was recorded, and the latest (its
    entry: `data.job` and `data.limit_seconds` of one stopped unfinished, `data.scope` and `data.reason` of
    one that found the chain broken)."""

    count: int
    first_at: datetime
    latest: AuditEntry


def audit_chain_full_checks_unfinished(
    *, after_sequence: int = 0, until: datetime | None = None
) -> ChainChecks | None:
    """The verifications of the whole chain stopped by their time limit before they ended, recorded after
    entry #`after_sequence` (the outcome a document cites, `audit_chain_last_full_check`) and at or before
    `until`; None when there is none. A document citing the last check that finished must say a later one
    did not. Two reads at most, however many were stopped."""
    stopped = AuditEntry.objects.filter(action=CHAIN_UNFINISHED, data__scope=CHAIN_FULL)
    return _recorded_after(stopped, after_sequence=after_sequence, until=until)


def audit_chain_found_broken(*, after_sequence: int = 0, until: datetime | None = None) -> ChainChecks | None:
    """The verifications that found the chain broken, of whatever scope (the nightly check reads only the
    entries since the last checkpoint), recorded after entry #`after_sequence` (the outcome a document
    cites) and at or before `until`; None when there is none. A document citing an intact chain must say
    a later check found it broken. Two reads at most."""
    broken = AuditEntry.objects.filter(action=CHAIN_BROKEN)
    return _recorded_after(broken, after_sequence=after_sequence, until=until)


def _recorded_after(checks, *, after_sequence: int, until: datetime | None) -> ChainChecks | None:
    checks = checks.filter(sequence__gt=after_sequence)
    if until is not None:
        checks = checks.filter(recorded_at__lte=until)
    latest = checks.order_by("-sequence").first()
    if latest is None:
        return None
    summary = checks.aggregate(count=Count("pk"), first_at=Min("recorded_at"))
    return ChainChecks(summary["count"], summary["first_at"], latest)
