"""What the audit trail announces to the layers above it, which it may not import."""
from __future__ import annotations

from django.dispatch import Signal

# Sent with `result` (a ChainVerification) inside the transaction that records a broken chain.
chain_broken = Signal()
