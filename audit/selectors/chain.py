"""Proving the audit trail intact: the walk along the chain, held to the signed checkpoints, archive and
restore records outside the database (the record of its outcomes: `outcomes`)."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import repeat

from django.db import connections, router
from django.db.models import Max, Min

from audit.checkpoints import Anchors, ArchiveRecord, Checkpoint, Coverage, RestoreRecord, checkpoints_read
from audit.hashing import GENESIS_HASH, UNKEYED, entry_seal_problem, keyed_seal_start, mac_keys_prepared
from audit.models import AuditChainHead, AuditEntry
from audit.selectors.outcomes import audit_chain_checkpoints_gone
from audit.selectors.rows import LAST_SEQUENCE as _LAST_SEQUENCE
from audit.selectors.rows import chain_in_order as _chain_in_order


@dataclass(frozen=True)
class ChainVerification:
    valid: bool
    entries: int
    first_invalid: int | None  # the id of the first entry that does not check out
    reason: str = ""
    checkpoints: int = 0  # how many checkpoints outside the database the chain was held against
    # The last entry that checked out: what a new checkpoint records.
    head_sequence: int = 0
    head_hash: str = GENESIS_HASH
    # Where the walk began: the first entry, or the head of the last checkpoint (`since_checkpoint`),
    # then with the time that checkpoint was written (ISO 8601, UTC).
    from_sequence: int = 1
    from_checkpoint_at: str = ""
    # A whole-chain verification after months were archived (docs/deployment.md, "Archiving a month"):
    # entries before `archived_before` are no longer in the database (0: none are); the signed `archive`
    # record says they were archived, and the first one left links to the hash it kept (None: no record
    # says so). The earliest checkpoint after them, when there is one, recorded `anchor_sequence` on
    # `anchor_written_at`.
    archived_before: int = 0
    archive: ArchiveRecord | None = None
    anchor_sequence: int = 0
    anchor_written_at: str = ""
    # A whole-chain check that found the trail restored from a backup older than the last checkpoint (or
    # cut back and written on): the walk got as far as entry #`restored_to` (the head it records), and
    # entries #`restored_to` + 1 to #`lost_through`, which a checkpoint had recorded, are not the ones in
    # the database. 0: not found so. `manage.py audit_restore_record` records it (`restores`).
    restored_to: int = 0
    lost_through: int = 0
    # The signed restore records of the entries the check read (oldest first): each says which entries a
    # restore from a backup lost. A chain that checks out with one is consistent, not intact.
    restores: tuple[RestoreRecord, ...] = ()

    @property
    def archive_month(self) -> str:
        """The month of the last archived entry, as the archive record says ("" without one)."""
        return self.archive.month if self.archive is not None else ""

    @property
    def archive_recorded_at(self) -> str:
        """When the archive record the check began after was written (ISO 8601, UTC; "" without one)."""
        return self.archive.written_at if self.archive is not None else ""


# A chain at least this long is split between worker processes (when the caller asks for workers);
# below it, starting them costs more than it saves.
PARALLEL_FROM = 200_000


@dataclass
class _Walk:
    """How far a walk along the chain (or one stretch of it) got, and what it saw on the way."""

    next_sequence: int
    prev_hash: str | None  # the hash the next entry must link to; None: not known at the start
    checked: int = 0
    first_keyed: int | None = None  # the first entry with a keyed seal it saw: no unkeyed one may follow
    broken_at: int | None = None  # the id of the first entry that does not check out
    reason: str = ""
    recorded_late: bool = False  # it was recorded after a checkpoint that covered its number


_NOTHING_COVERED = Coverage()


def _moment(recorded_at) -> str:
    """An entry's time as the verifier read it (text on PostgreSQL), as ISO 8601 UTC to the second."""
    moment = datetime.fromisoformat(recorded_at) if isinstance(recorded_at, str) else recorded_at
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _walk(
    entries, walk: _Walk, *, keyed_from: int | None, anchored, keys, coverage: Coverage = _NOTHING_COVERED
) -> _Walk:
    """Check `entries`, in sequence order, from where `walk` stands; stop at the first that does not fit.

    `anchored`: the hash each anchored entry must carry (`Anchors.by_sequence`); `coverage`: the latest
    moment each entry may have been recorded (`Anchors.coverage`)."""
    covered_to, latest, anchor = 0, None, None
    unkeyed_below = keyed_seal_start(keyed_from, walk.first_keyed)
    for entry in entries:
        sequence = entry.sequence
        if sequence > covered_to:  # the next stretch of entries one checkpoint covers (rarely)
            covered_to, latest, anchor = coverage.at(sequence, like=entry.recorded_at)
        if sequence != walk.next_sequence:
            reason = f"sequence gap before #{sequence}"
        elif walk.prev_hash is not None and entry.prev_hash != walk.prev_hash:
            reason = f"entry #{sequence} is not linked to its predecessor"
        elif problem := entry_seal_problem(entry, keys=keys, keyed_since=unkeyed_below):
            reason = f"entry #{sequence}: {problem}"
        elif latest is not None and entry.recorded_at > latest:
            walk.recorded_late = True
            reason = (
                f"entry #{sequence} was recorded on {_moment(entry.recorded_at)}, after the {anchor.kind} of "
                f"{anchor.written_at} had recorded the chain up to #{anchor.sequence}"
            )
        else:
            reason = next((
                f"entry #{sequence} differs from the {checkpoint.kind} of {checkpoint.written_at}"
                for checkpoint in anchored.get(sequence, ()) if checkpoint.head_hash != entry.entry_hash
            ), "")
        if reason:
            walk.broken_at, walk.reason = entry.pk, reason
            return walk
        if entry.mac_key_id != UNKEYED and walk.first_keyed is None:
            walk.first_keyed = sequence
            unkeyed_below = keyed_seal_start(keyed_from, sequence)
        walk.prev_hash = entry.entry_hash
        walk.next_sequence += 1
        walk.checked += 1
    return walk


def _walk_stretch(
    first: int, last: int, prev_hash: str | None, batch_size: int, keyed_from: int | None, anchored,
    coverage: Coverage,
) -> _Walk:
    """One worker's stretch of the chain, read over a connection of its own."""
    database = router.db_for_read(AuditEntry)
    # A forked worker shares its parent's socket: it must neither use that connection nor close it
    # (closing would end the parent's session), so it keeps it referenced and opens its own.
    _inherited_connections.append(connections[database])
    connections[database] = connections.create_connection(database)
    try:
        entries = _chain_in_order(batch_size, first_sequence=first, last_sequence=last)
        walk = _Walk(first, prev_hash)
        return _walk(entries, walk, keyed_from=keyed_from, anchored=anchored, keys=mac_keys_prepared(),
                     coverage=coverage)
    finally:
        connections[database].close()


_inherited_connections: list = []


def _walk_in_parallel(
    start: _Walk, *, workers: int, batch_size: int, keyed_from, anchored,
    coverage: Coverage = _NOTHING_COVERED,
) -> _Walk | None:
    """The walk of the whole chain from `start`, split into stretches checked by `workers` processes;
    None when the chain is too short to be worth it or anything does not fit, for the serial walk to
    name the first bad entry exactly as it always has.

    Each stretch but the first also re-reads the last entry of the one before, so every pair of
    neighbours is read by one stretch: their link, and the rule that no unkeyed seal follows a keyed
    one (the first unkeyed entry after a keyed one follows a keyed neighbour), are checked there.
    """
    database = router.db_for_read(AuditEntry)
    last = AuditEntry.objects.using(database).aggregate(last=Max("sequence"))["last"] or 0
    if connections[database].vendor != "postgresql" or last - start.next_sequence < PARALLEL_FROM:
        return None
    first = start.next_sequence
    bounds = [first + (last - first + 1) * part // workers for part in range(1, workers)]
    firsts = [first, *(bound - 1 for bound in bounds)]
    lasts = [*(bound - 1 for bound in bounds), _LAST_SEQUENCE]
    prev_hashes = [start.prev_hash] + [None] * len(bounds)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        stretches = list(pool.map(
            _walk_stretch, firsts, lasts, prev_hashes,
            repeat(batch_size), repeat(keyed_from), repeat(anchored), repeat(coverage),
        ))
    ended_where_the_next_begins = all(
        stretch.next_sequence == stretch_last + 1
        for stretch, stretch_last in zip(stretches[:-1], lasts[:-1], strict=True)
    )
    if any(s.broken_at is not None for s in stretches) or not ended_where_the_next_begins:
        return None
    return _Walk(
        stretches[-1].next_sequence, stretches[-1].prev_hash,
        checked=sum(s.checked for s in stretches) - len(bounds),  # the re-read entries once
        first_keyed=min((s.first_keyed for s in stretches if s.first_keyed is not None), default=None),
    )


def audit_chain_verify(
    *,
    batch_size: int = 2000,
    anchors: Anchors | None = None,
    since_checkpoint: bool = False,
    workers: int = 1,
) -> ChainVerification:
    """Check every seal in sequence order against the chain and the checkpoints outside the database.

    Finds an edited entry (its seal), a removed or inserted one (the links), entries re-sealed
    without the key (the MAC), a re-sealed suffix or a cut tail with the head row moved back (the
    checkpoints), and names the first entry that does not fit, when there is one.

    With `since_checkpoint`, it starts at the head the last signed checkpoint recorded: that entry
    must still carry the recorded hash and a valid seal, and everything after it is checked in full.
    What lies before it was verified when the checkpoint was written; the hourly checkpoint and the
    nightly check run this way, and a weekly full verification re-reads the whole trail.
    `entries` then counts the entries checked in this run, and `from_sequence` and
    `from_checkpoint_at` say where it began.

    Without it, it reads the whole chain in the database: from entry #1, or, when the months before
    were archived (entry #1 is gone), from the first entry left, linked to the last archived entry's hash
    kept by the signed archive record that says the archive ended there (`_verified_after_archive`;
    `archived_before` and `archive_recorded_at` say so).

    A database restored from a backup older than the last checkpoint, then written on, holds new entries
    under numbers a checkpoint had already recorded: the first one recorded after that checkpoint is
    named, with the entries lost (`restored_to`, `lost_through`). Once a signed restore record says so
    (`manage.py audit_restore_record`), the checkpoints it went back on no longer bind the chain, and the
    check names the loss instead (`restores`).

    `workers` > 1 splits a long chain on PostgreSQL between that many forked processes (the
    `verify_audit` command); a chain that does not check out is then walked again serially, so the
    result is the same either way.
    """
    anchors = anchors if anchors is not None else checkpoints_read()
    if anchors.problem:
        return ChainVerification(False, 0, None, f"checkpoint file: {anchors.problem}")
    if anchors.last is None and (gone := audit_chain_checkpoints_gone()):
        return ChainVerification(False, 0, None, gone)
    last = anchors.last
    start = last if since_checkpoint and last is not None and last.sequence > 0 else None
    if start is not None:
        result = _verified(anchors, start, batch_size=batch_size, workers=workers)
        return replace(result, from_sequence=start.sequence, from_checkpoint_at=start.written_at)
    first, record = audit_chain_start(anchors)
    if first == 1:
        return _verified(anchors, None, batch_size=batch_size, workers=workers)
    return _verified_after_archive(anchors, first, record, batch_size=batch_size, workers=workers)


def audit_chain_start(anchors: Anchors) -> tuple[int, ArchiveRecord | None]:
    """Where the chain in the database begins, and what vouches for the entries missing before it: the
    first entry's sequence, and the signed archive record that says entries #1 to the one before it were
    archived; (1, None) when none is missing.

    Only a signed archive record (`manage.py audit_archive_record`, written before the month is dropped)
    says where an archive ended: it must end exactly just before the first entry in the database, and
    that entry must link to the hash it kept (`through_hash`). A record ending later is one whose month is
    not dropped yet; missing first entries no record ends at (None) are not an archive the runbook made,
    however many checkpoints follow (one is written every hour), nor are any when the checkpoint files
    do not verify. The whole-chain check begins its walk from that link (`_verified_after_archive`); the
    per-entry check of a customer's entries accepts it for the first entry left (`audit_entries_checked`).
    """
    first = AuditEntry.objects.aggregate(first=Min("sequence"))["first"] or 1
    vouched = first > 1 and not anchors.problem
    return first, anchors.archive_ending_at(first - 1) if vouched else None


def _verified_after_archive(
    anchors: Anchors, first: int, record: ArchiveRecord | None, *, batch_size: int, workers: int
):
    """The whole chain left in the database when its first entries are gone: months archived by the
    runbook (docs/deployment.md), whose dump verifies on its own beside its checkpoint files.

    `record`, the archive record that vouches for the missing entries (`audit_chain_start`), ends at
    entry #`first - 1`; the walk checks that entry #`first` links to the hash it kept, then every seal and
    link, and the checkpoints, as from entry #1. Without one the chain is reported broken.
    """
    archived = {"from_sequence": first, "archived_before": first}
    if record is None:
        last = anchors.last_archive
        said = (
            f": the last one, of {last.written_at}, says entries #1 to #{last.through} were archived"
            if last is not None else ""
        )
        return ChainVerification(
            False, 0, None,
            f"entries #1 to #{first - 1} are missing and no archive record says they were archived{said}: "
            "not an archive made by the runbook",
            len(anchors.checkpoints), **archived,
        )
    result = _verified(
        anchors, None, batch_size=batch_size, workers=workers, first_sequence=first,
        first_prev_hash=record.through_hash,
    )
    anchor = anchors.first_at_or_after(first)
    return replace(
        result, **archived, archive=record,
        anchor_sequence=anchor.sequence if anchor is not None else 0,
        anchor_written_at=anchor.written_at if anchor is not None else "",
    )


def _verified(
    anchors: Anchors, start: Checkpoint | None, *, batch_size: int, workers: int, first_sequence: int = 1,
    first_prev_hash: str = GENESIS_HASH,
) -> ChainVerification:
    """`audit_chain_verify` from the first entry, or from the head of the checkpoint `start`; or, the
    entries before it archived, from entry `first_sequence`, linked to `first_prev_hash`, the hash the
    archive record kept of the last archived entry."""
    held = _held(anchors)
    last = anchors.last
    if start is not None:
        begin = _Walk(start.sequence, None)
    else:
        begin = _Walk(first_sequence, first_prev_hash)
    walk = _walk_in_parallel(begin, workers=workers, batch_size=batch_size, **held) if workers > 1 else None
    if walk is None:
        # Closed however the walk ends: on PostgreSQL the stream holds a transaction open, and a job
        # stopped mid-walk at its time limit (audit/tasks.py) must record that in a transaction of its own.
        with closing(_chain_in_order(batch_size, first_sequence=begin.next_sequence)) as entries:
            walk = _walk(entries, begin, keys=mac_keys_prepared(), **held)
    restores = tuple(r for r in anchors.restores if start is None or r.restored_to >= start.sequence)
    counted = {"checkpoints": len(anchors.checkpoints), "restores": restores}
    if walk.broken_at is not None:
        broken = ChainVerification(False, walk.checked, walk.broken_at, walk.reason, **counted)
        if walk.recorded_late and start is None:
            return _restored(broken, walk, lost_through=max(held["anchored"]))
        return broken
    checked, prev_hash = walk.checked, walk.prev_hash
    last_sequence = walk.next_sequence - 1
    if prev_hash is None:
        return ChainVerification(
            False, 0, None, f"entry #{start.sequence}, the head of the last checkpoint, is missing", **counted
        )
    result = ChainVerification(True, checked, None, "", head_sequence=last_sequence, head_hash=prev_hash,
                               **counted)
    if last is not None and last.sequence > last_sequence:
        # A cut tail, or a restore from an older backup not written on since.
        lost = {"restored_to": last_sequence, "lost_through": last.sequence} if start is None else {}
        return replace(result, valid=False, reason=(
            f"entries after #{last_sequence} are missing: the checkpoint of {last.written_at} "
            f"recorded #{last.sequence}"
        ), **lost)
    # The head row is read after the scan: entries committed meanwhile put it ahead of what was
    # checked, which is no damage as long as the next entry is there.
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (
        head.sequence < last_sequence or (head.sequence == last_sequence and head.last_hash != prev_hash)
    ):
        return replace(result, valid=False, reason="the chain's head row does not match its last entry")
    written_since = AuditEntry.objects.filter(sequence=last_sequence + 1).exists
    if head is not None and head.sequence > last_sequence and not written_since():
        return replace(result, valid=False, reason="entries are missing from the end of the chain")
    return result


def _held(anchors: Anchors) -> dict:
    """What the walk holds each entry to, from outside the database (`_walk`'s keywords)."""
    return {"keyed_from": anchors.keyed_from, "anchored": anchors.by_sequence(),
            "coverage": anchors.coverage()}


def chain_stretch_walked(anchors: Anchors, *, first: int, last: int, batch_size: int = 2000) -> _Walk:
    """The serial walk from entry #`first` (its link to the entry before it unchecked) to #`last`, held
    to `anchors`: where it stopped (`next_sequence`), and the first entry that did not fit, if one."""
    with closing(_chain_in_order(batch_size, first_sequence=first, last_sequence=last)) as entries:
        return _walk(entries, _Walk(first, None), keys=mac_keys_prepared(), **_held(anchors))


def _restored(broken: ChainVerification, walk: _Walk, *, lost_through: int) -> ChainVerification:
    """A whole-chain walk stopped at an entry recorded after a checkpoint that covered its number: the
    entries before it are the chain the checkpoints recorded, the ones from it on are new, and those the
    checkpoints recorded from it on (to `lost_through`, the furthest) are lost."""
    restored_to = walk.next_sequence - 1
    return replace(
        broken, head_sequence=restored_to, head_hash=walk.prev_hash, restored_to=restored_to,
        lost_through=lost_through, reason=(
            f"{walk.reason}: the trail was restored to (or rewritten after) entry #{restored_to}; entries "
            f"#{restored_to + 1} to #{lost_through} of the checkpointed trail are lost"
        ),
    )
