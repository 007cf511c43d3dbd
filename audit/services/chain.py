"""Verifying the audit trail on record, and its signed checkpoints outside the database."""
from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.checkpoints import Checkpoint, checkpoint_append, checkpoints_read
from audit.models import AuditEntry
from audit.selectors import (
    CHAIN_FULL,
    CHAIN_SINCE_CHECKPOINT,
    CHAIN_UNFINISHED,
    FULL_CHECK_ASKED,
    audit_chain_full_check_running,
    audit_chain_verify,
    audit_first_keyed_sequence,
)
from audit.services.trail import audit_record
from audit.signals import chain_broken, chain_unfinished, checkpoint_written
from core.actors import Actor
from core.errors import Conflict


def audit_chain_check(*, actor: Actor | None = None, since_checkpoint: bool = False, workers: int = 1):
    """Verify the chain and record the outcome in the chain itself: the nightly and weekly jobs, the
    auditor's buttons on the trail page and `manage.py verify_audit` all verify through here, so every
    verification of the whole chain is one a document can cite (`audit_chain_last_full_check`).

    `since_checkpoint`: from the head of the last signed checkpoint on (nightly); the weekly job
    re-reads the whole trail, which is what finds an old entry changed by someone holding the key.
    `workers` as for `audit_chain_verify`.
    """
    result = audit_chain_verify(since_checkpoint=since_checkpoint, workers=workers)
    _record_outcome(result, actor=actor)
    return result


def audit_chain_full_check_ask(*, actor: Actor) -> AuditEntry:
    """Record that `actor` asked for a verification of the whole chain, which a worker then runs
    (`audit.tasks.verify_chain`). Refused (409) while one asked for before still runs
    (`audit_chain_full_check_running`): a second would walk the bank's whole trail again for nothing.
    The entry is written first: it holds the chain's head until commit, so two clicks at once are
    checked one after the other, and the refused one's entry is rolled back with it."""
    with transaction.atomic(durable=True):
        asked = audit_record(action=FULL_CHECK_ASKED, actor=actor)
        if audit_chain_full_check_running(before_sequence=asked.sequence) is not None:
            raise Conflict(_("A verification of the whole chain is already running: its result shows on "
                             "this page once it is recorded. Ask again only after that."))
    return asked


def _record_outcome(result, *, actor: Actor | None) -> None:
    """Record the verification; a broken chain is announced (`chain_broken`) in the same transaction,
    so the alerts the layers above queue (the DPO's e-mail) commit exactly with the entry."""
    data = {
        "entries": result.entries, "first_invalid": result.first_invalid, "reason": result.reason,
        # What it read: the whole chain from its first entry, or from the last checkpoint's head on;
        # documents cite the latest whole-chain outcome (`audit_chain_last_full_check`).
        "scope": CHAIN_SINCE_CHECKPOINT if result.from_checkpoint_at else CHAIN_FULL,
        "from_sequence": result.from_sequence, "head_sequence": result.head_sequence,
        # Entries before it archived (docs/deployment.md): "full" is everything in the database; the
        # archive record vouching for them was written after the fact (`--already-archived`).
        "archived_before": result.archived_before,
        "archive_after_the_fact": result.archive is not None and result.archive.after_the_fact,
    }
    # The whole report as the trail page words it (`audit.views`): a whole-chain check asked for on the
    # page runs in a worker, and the page reads its report from here once it is recorded.
    data["report"] = asdict(result)
    # Entries lost in a restore from a backup: found by this check (no restore record says so yet), or
    # named by the signed restore records of the entries it read.
    if result.lost_through:
        data.update(restored_to=result.restored_to, lost_through=result.lost_through)
    if result.restores:
        data["restores"] = [
            {"restored_to": restore.restored_to, "lost_through": restore.lost_through,
             "recorded_at": restore.written_at}
            for restore in result.restores
        ]
    with transaction.atomic(durable=True):
        audit_record(
            action="audit.chain.verified" if result.valid else "audit.chain.broken",
            actor=actor or Actor.system("audit.verify_chain"), data=data,
        )
        if not result.valid:
            chain_broken.send(sender=audit_chain_check, result=result)


def audit_checkpoint_write(*, now: datetime | None = None):
    """Verify the chain, then append a signed checkpoint of its head outside the database.

    A chain that does not verify is never checkpointed (that would bless the damage): the outcome is
    recorded and the DPO alerted, as by the nightly check. Returns the verification and the line
    written (None when broken). The line is announced (`checkpoint_written`): with
    `AUDIT_CHECKPOINT_EMAIL` set, integrations e-mails it to internal audit.
    """
    now = now or timezone.now()
    anchors = checkpoints_read()
    result = audit_chain_verify(anchors=anchors, since_checkpoint=True)
    if not result.valid:
        _record_outcome(result, actor=Actor.system("audit.write_checkpoint"))
        return result, None
    # The first checkpoint fixes the switch-over to keyed seals; later ones copy it (audit/checkpoints.py).
    keyed_from = anchors.keyed_from
    if keyed_from is None:
        first_keyed = audit_first_keyed_sequence()
        keyed_from = first_keyed if first_keyed is not None else result.head_sequence + 1
    head = AuditEntry.objects.filter(sequence=result.head_sequence).values_list("recorded_at", flat=True)
    head = head.first()
    line = checkpoint_append(
        Checkpoint(sequence=result.head_sequence, head_hash=result.head_hash,
                   written_at=now.astimezone(UTC).isoformat(timespec="seconds"), keyed_from=keyed_from,
                   head_recorded_at=head.astimezone(UTC).isoformat(timespec="seconds") if head else ""),
        now=now,
    )
    with transaction.atomic(durable=True):
        checkpoint_written.send(sender=audit_checkpoint_write, line=line, result=result, now=now)
    return result, line


def audit_chain_unfinished_record(
    *, job: str, since_checkpoint: bool, limit_seconds: int, actor: Actor | None = None
) -> None:
    """Record that a verification (`job`: the nightly or weekly check, the hourly checkpoint) was stopped
    before it ended, by its time limit: nothing was found broken, nothing was found intact, and no
    checkpoint was written. The DPO is told (`chain_unfinished`) in the same transaction, as for a broken
    chain: a check that never finishes is a trail nobody verifies, and on a trail with no checkpoint yet
    the hourly job walks the whole chain, so checkpoints would never start.

    `scope` says what it was reading: the whole chain, or from the head of the last checkpoint on (a
    checkpoint job on a trail with no checkpoint yet reads the whole chain)."""
    reads_all = not since_checkpoint or checkpoints_read().last is None
    scope = CHAIN_FULL if reads_all else CHAIN_SINCE_CHECKPOINT
    with transaction.atomic(durable=True):
        audit_record(
            action=CHAIN_UNFINISHED, actor=actor or Actor.system(job),
            data={"job": job, "scope": scope, "limit_seconds": limit_seconds},
        )
        chain_unfinished.send(sender=audit_chain_unfinished_record, job=job, scope=scope,
                              limit_seconds=limit_seconds)
