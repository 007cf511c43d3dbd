"""Faults of the audit trail itself, for the operators: no person's request can cause or fix them."""
from __future__ import annotations


class AuditChainHeadMissing(RuntimeError):
    """The chain head row is gone while entries exist: numbering again from 1 would fail on every write
    (or, with the entries gone too, hide the loss). The row must be restored from the last entry's
    sequence and hash (docs/operations.md) before anything can be audited again."""
