"""What the audit trail announces to the layers above it, which it may not import."""
from __future__ import annotations

from django.dispatch import Signal

# Sent with `result` (a ChainVerification) inside the transaction that records a broken chain.
chain_broken = Signal()
# Sent with `line` (the checkpoint as written to its file), `result` and `now` after a checkpoint was
# appended outside the database; receivers may queue copies of it elsewhere (internal audit's mailbox).
checkpoint_written = Signal()
# Sent with `job` (the task's name), `scope` (what it was reading) and `limit_seconds` inside the
# transaction that records a verification stopped before it ended (its time limit): nobody knows yet
# whether the chain is intact, and the DPO must be told the check did not happen.
chain_unfinished = Signal()
# Sent with `record` (the RestoreRecord) and `line` (as appended to `restores.jsonl`) inside the
# transaction that notes a restore from a backup in the trail, once per restore: the DPO and internal
# audit's mailbox must hold the signed record outside the database (docs/operations.md).
restore_recorded = Signal()
# Sent with `entry` (its `audit.checkpoints.restarted` entry) inside the transaction that gives up a lost
# series of checkpoints: the DPO and internal audit must know the trail is held to a new first checkpoint.
checkpoints_restarted = Signal()
# Sent with `entry` (its `audit.restore.since_checkpoint` entry), `taken_at`, `lost_after` and `lost_until`
# inside the transaction that notes a restore from a backup newer than the last checkpoint: nothing signed
# names it, so the DPO must be told which window of records to record again.
restore_since_checkpoint_recorded = Signal()

# A staff member looked at many customers in a short time (`audit.services.unusual`): `entry`, the trail's
# record of it, sent inside the transaction that writes it.
unusual_access = Signal()
