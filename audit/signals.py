"""What the audit trail announces to the layers above it, which it may not import."""
from __future__ import annotations

from django.dispatch import Signal

# Sent with `result` (a ChainVerification) inside the transaction that records a broken chain.
chain_broken = Signal()
# Sent with `line` (the checkpoint as written to its file), `result` and `now` after a checkpoint was
# appended outside the database; receivers may queue copies of it elsewhere (internal audit's mailbox).
checkpoint_written = Signal()
