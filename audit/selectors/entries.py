"""Reading the audit trail: the entries, filtered, and each entry's own seal and links checked."""
from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from audit.hashing import GENESIS_HASH, entry_seal_problem, mac_keys_prepared
from audit.models import AuditChainHead, AuditEntry


def audit_entries(
    *, subject_id=None, action: str | None = None, since: datetime | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if subject_id is not None:
        entries = entries.filter(subject_id=subject_id)
    if action:
        entries = (
            entries.filter(action__startswith=action)
            if action.endswith(".")
            else entries.filter(action=action)
        )
    if since is not None:
        entries = entries.filter(recorded_at__gte=since)
    return entries.order_by("-sequence")


# What `audit_entries_checked` proves of each entry, said once for the documents that print it.
AUDIT_ENTRY_CHECKS = (
    "For each entry listed: its seal (HMAC-SHA256 under the audit key it names, or SHA-256 for entries "
    "from before the key) was recomputed over its stored content and matched; its prev_hash equals the "
    "stored hash of the entry numbered one before it (or the genesis hash for entry 1); and the entry "
    "numbered one after it carries its hash as prev_hash. Entries of other customers in between were "
    "read for their hashes only; the whole chain is verified by the nightly and weekly checks."
)


def audit_entries_checked(entries: QuerySet[AuditEntry]) -> list[tuple[AuditEntry, str]]:
    """Some entries (one customer's), in sequence order, each with why it does not check out ("" when it
    does): its seal, and its links to the entries numbered one before and one after it, whoever those
    concern (`AUDIT_ENTRY_CHECKS`). Two queries, however many entries: the neighbours' hashes are read
    with them."""
    neighbours = AuditEntry.objects.order_by()
    entries = entries.order_by("sequence").annotate(
        previous_hash=Subquery(neighbours.filter(sequence=OuterRef("sequence") - 1).values("entry_hash")[:1]),
        next_prev_hash=Subquery(neighbours.filter(sequence=OuterRef("sequence") + 1).values("prev_hash")[:1]),
    )
    head = AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0
    keys = mac_keys_prepared()
    return [(entry, _entry_problem(entry, keys=keys, head=head)) for entry in entries]


def _entry_problem(entry, *, keys, head: int) -> str:
    sealed = entry_seal_problem(entry, keys=keys)
    if sealed:
        return sealed
    expected_previous = GENESIS_HASH if entry.sequence == 1 else entry.previous_hash
    if expected_previous is None:
        return "the entry before it is missing"
    if expected_previous != entry.prev_hash:
        return "it does not link to the entry before it"
    if entry.next_prev_hash is None:
        return "the entry after it is missing" if entry.sequence < head else ""
    if entry.next_prev_hash != entry.entry_hash:
        return "the next entry does not link to it"
    return ""
