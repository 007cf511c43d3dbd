"""Signed archive records: the months of the trail archived by the runbook (docs/deployment.md)."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.checkpoints import ArchiveRecord, archive_record_append, checkpoints_read
from audit.hashing import GENESIS_HASH
from audit.models import AuditEntry
from audit.selectors import audit_archive_boundary
from audit.services.trail import audit_record
from core.actors import Actor
from core.errors import InvalidInput
from core.partitions import month_bounds

_SHA256 = re.compile(r"[0-9a-f]{64}")


def audit_archive_record(
    *, dump_sha256: str, actor: Actor, through: int | None = None, month: date | None = None,
    now: datetime | None = None,
) -> ArchiveRecord:
    """Record, outside the database and signed with the audit key, that the runbook archived entries
    #1 to #`through` (or to the last entry of `month`) into the dump whose SHA-256 is `dump_sha256`,
    with entry #`through`'s hash, read now, before the month is dropped (docs/deployment.md).

    The whole-chain check accepts missing first entries only where such a record says an archive ended,
    and links the first entry left to that hash. So the record is refused unless the archive can end
    there: the entry is in the database and its hash is the chain's (the stretch from it to the next
    signed checkpoint checks out), it is the last entry of its month with no earlier month left in the
    database (dropping the month's partition removes exactly #1 to #`through` of what is left), and it
    goes further than the last record. The record is appended to `archives.jsonl` beside the checkpoint
    files and noted in the trail (`audit.archive.recorded`).
    """
    now = now or timezone.now()
    anchors = checkpoints_read()
    if anchors.problem:
        raise InvalidInput(_("The checkpoint files do not verify (%(problem)s): nothing was recorded."),
                           problem=anchors.problem)
    if not _SHA256.fullmatch(dump_sha256):
        raise InvalidInput(_("The dump's SHA-256 must be 64 hexadecimal digits."), field="dump_sha256")
    if through is None:
        through = _month_last_sequence(month)
    entry = AuditEntry.objects.filter(sequence=through).first()
    if entry is None:
        raise InvalidInput(_("Entry #%(through)s is not in the database: nothing was recorded."),
                           through=through)
    start, end = month_bounds(entry.recorded_at)
    _archive_ends_with_its_month(through, start=start, end=end)
    last = anchors.last_archive
    if last is not None and last.through >= through:
        raise InvalidInput(_("Entries #1 to #%(last)s are already recorded as archived."), last=last.through)
    through_hash, problem = audit_archive_boundary(through, anchors)
    if problem:
        raise InvalidInput(
            _("Entry #%(through)s cannot be recorded as the end of an archive: %(problem)s."),
            through=through, problem=problem,
        )
    return _archive_recorded(ArchiveRecord(
        through=through, through_hash=through_hash, month=f"{start:%Y-%m}", dump_sha256=dump_sha256,
        written_at=now.astimezone(UTC).isoformat(timespec="seconds"),
    ), actor=actor, now=now)


def audit_archive_record_after_the_fact(
    *, actor: Actor, dump_sha256: str = "", now: datetime | None = None
) -> ArchiveRecord:
    """Record an archive made before archive records existed (the old runbook dropped the oldest months
    with no record), from the chain that is left: entries #1 to the one before the first entry in the
    database were archived, and that entry's prev_hash (sealed with it) is the last archived entry's hash.

    The archived entries are gone, so the record cannot be computed from them and does not pretend to be:
    it is marked `after_the_fact` (signed with the rest), and the whole-chain check, the API, the trail
    page and the proof bundle say so. `dump_sha256`, the old dump's SHA-256 when the bank kept it, is
    recorded as given. Refused when the first entry in the database begins the chain (nothing was
    archived), when a record already covers that point, when that entry's hash is not the chain's (the
    stretch from it to the next signed checkpoint must check out, as for any archive record), or when a
    signed checkpoint recorded the last archived entry with another hash than the one it links to.
    """
    now = now or timezone.now()
    anchors = checkpoints_read()
    if anchors.problem:
        raise InvalidInput(_("The checkpoint files do not verify (%(problem)s): nothing was recorded."),
                           problem=anchors.problem)
    if dump_sha256 and not _SHA256.fullmatch(dump_sha256):
        raise InvalidInput(_("The dump's SHA-256 must be 64 hexadecimal digits."), field="dump_sha256")
    first = AuditEntry.objects.order_by("sequence").first()
    if first is None:
        raise InvalidInput(_("The audit trail is empty: no entry was archived."))
    if first.sequence == 1 or first.prev_hash == GENESIS_HASH:
        raise InvalidInput(_("Entry #%(first)s begins the chain: no entry was archived, so there is no "
                             "archive to record."), first=first.sequence)
    through = first.sequence - 1
    last = anchors.last_archive
    if last is not None and last.through >= through:
        raise InvalidInput(_("A signed archive record already covers entries #1 to #%(last)s: nothing was "
                             "recorded."), last=last.through)
    _first_hash, problem = audit_archive_boundary(first.sequence, anchors)
    contradicting = next((checkpoint for checkpoint in anchors.by_sequence().get(through, ())
                          if checkpoint.head_hash != first.prev_hash), None)
    if not problem and contradicting is not None:
        problem = (f"the checkpoint of {contradicting.written_at} recorded entry #{through} with another "
                   f"hash than the one entry #{first.sequence} links to")
    if problem:
        raise InvalidInput(
            _("Entry #%(first)s cannot be recorded as the first entry after an archive: %(problem)s."),
            first=first.sequence, problem=problem,
        )
    return _archive_recorded(ArchiveRecord(
        through=through, through_hash=first.prev_hash, month="", dump_sha256=dump_sha256,
        written_at=now.astimezone(UTC).isoformat(timespec="seconds"), after_the_fact=True,
    ), actor=actor, now=now)


def _archive_recorded(record: ArchiveRecord, *, actor: Actor, now: datetime) -> ArchiveRecord:
    """Append the signed record beside the checkpoint files, then note it in the trail."""
    archive_record_append(record)
    data = {"through": record.through, "month": record.month, "dump_sha256": record.dump_sha256}
    if record.after_the_fact:
        data["after_the_fact"] = True
    with transaction.atomic(durable=True):
        audit_record(action="audit.archive.recorded", actor=actor, now=now, data=data)
    return record


def _month_last_sequence(month: date | None) -> int:
    if month is None:
        raise InvalidInput(_("Say which month was archived, or through which entry."), field="month")
    start, end = month_bounds(month)
    month_entries = AuditEntry.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    last = month_entries.order_by("-sequence").first()
    if last is None:
        raise InvalidInput(_("No entry of %(month)s is in the database: nothing was recorded."),
                           month=f"{start:%Y-%m}")
    return last.sequence


def _archive_ends_with_its_month(through: int, *, start: datetime, end: datetime) -> None:
    """Refuse an archive end that dropping its month's partition would not give."""
    if AuditEntry.objects.filter(recorded_at__lt=start).exists():
        raise InvalidInput(_("Entries recorded before %(month)s are still in the database: archive the "
                             "earlier months first."), month=f"{start:%Y-%m}")
    later = AuditEntry.objects.filter(sequence__gt=through, recorded_at__lt=end).order_by("sequence").first()
    if later is not None:
        raise InvalidInput(
            _("Entry #%(later)s, recorded in %(month)s, comes after entry #%(through)s: the archive would "
              "not end at entry #%(through)s."),
            later=later.sequence, month=f"{start:%Y-%m}", through=through,
        )
