"""The recorded outcomes of verifications of the audit chain, as documents cite them."""
from __future__ import annotations

from datetime import datetime

from audit.models import AuditEntry

# The entries every recorded verification writes (`audit.services.audit_chain_check`: the jobs, the
# trail page, `verify_audit`), and what each says it read (its `scope`): the whole chain in the database
# (from `from_sequence`: entry #1, or the first one left when earlier months were archived, then with
# `archived_before`), or from the head of the last signed checkpoint on.
CHAIN_OUTCOMES = ("audit.chain.verified", "audit.chain.broken")
CHAIN_FULL = "full"
CHAIN_SINCE_CHECKPOINT = "since_checkpoint"


def audit_chain_last_full_check(*, until: datetime | None = None) -> AuditEntry | None:
    """The latest recorded outcome (intact or broken) of a verification of the whole chain in the
    database, from its first entry, or from the first one left after archived months (its
    `archived_before`) (the weekly job, the trail page's "whole chain" button, `manage.py verify_audit`;
    the nightly job too while no checkpoint is on file), recorded at or before `until`; None when there
    is none. Reads the record, never walks the chain. Outcomes recorded before the scope was (2026-12)
    say nothing of it and are not counted."""
    outcomes = AuditEntry.objects.filter(action__in=CHAIN_OUTCOMES, data__scope=CHAIN_FULL)
    if until is not None:
        outcomes = outcomes.filter(recorded_at__lte=until)
    return outcomes.order_by("-sequence").first()
