"""Where an archive of the trail may end (docs/deployment.md, "Archiving a month past retention")."""
from __future__ import annotations

from typing import NamedTuple

from audit.checkpoints import Anchors, ArchiveRecord, checkpoints_read
from audit.models import AuditEntry
from audit.selectors.chain import chain_stretch_walked


def audit_archive_boundary(through: int, anchors: Anchors, *, batch_size: int = 2000) -> tuple[str, str]:
    """Entry #`through`'s hash, where an archive is to end, held to the signed checkpoints: the stretch
    from it to the earliest checkpoint at or after it must check out (seals, links, and that checkpoint's
    hash), so the hash an archive record keeps is the chain's, not one edited in. Returns (hash, "") or
    ("", why not)."""
    anchor = anchors.first_at_or_after(through)
    if anchor is None:
        return "", f"no signed checkpoint records entry #{through} or a later one"
    first = AuditEntry.objects.filter(sequence=through).values_list("entry_hash", flat=True).first()
    if first is None:
        return "", f"entry #{through} is not in the database"
    walk = chain_stretch_walked(anchors, first=through, last=anchor.sequence, batch_size=batch_size)
    if walk.broken_at is not None:
        return "", walk.reason
    if walk.next_sequence != anchor.sequence + 1:
        return "", (
            f"entries up to #{anchor.sequence}, the checkpoint of {anchor.written_at}, are missing"
        )
    return first, ""


class ArchivedEntriesKept(NamedTuple):
    record: ArchiveRecord
    # The first of its entries still in the database: an earlier month dropped before leaves it after #1.
    first: int


def audit_archived_entries_kept(anchors: Anchors | None = None) -> ArchivedEntriesKept | None:
    """The last signed archive record whose entries are still in the database, with the first of them,
    or None. Between recording an archive and dropping its month that is the runbook's next step; any
    later, a restore from a backup taken before the drop brought the month back, past retention, while
    the record says it is gone: the month is to be dropped again."""
    last = (anchors or checkpoints_read()).last_archive
    if last is None:
        return None
    first = (AuditEntry.objects.filter(sequence__lte=last.through).order_by("sequence")
             .values_list("sequence", flat=True).first())
    return None if first is None else ArchivedEntriesKept(last, first)
