"""Signed checkpoints of the audit chain, kept outside the database.

Someone who can edit the database can delete the newest entries and move the head row back, which
the chain alone cannot reveal. So, at least hourly, the head (sequence, seal, time) is appended as a
signed JSON line to a monthly file under `AUDIT_CHECKPOINT_DIR` (opened append-only; the operator
should also make the directory append-only or ship it to write-once storage) and, when
`AUDIT_CHECKPOINT_EMAIL` is set, e-mailed to internal audit. The verifier then requires every
checkpointed entry to be present with the seal it had.

Each line also carries `keyed_from`, the first sequence sealed with the keyed MAC: entries below it
may carry the old unkeyed SHA-256, none at or above it may. The first checkpoint fixes that number
and every later one copies it, so rewriting entries as "unkeyed" cannot dodge the key.

Beside them, `archives.jsonl` holds the archive records (`ArchiveRecord`), signed the same way: when
the runbook archives a month of the trail (docs/deployment.md), `manage.py audit_archive_record` writes
"archived through entry #N (month M), dump sha256 …, entry #N's hash" before the month is dropped. The
whole-chain check then accepts missing first entries only where such a record says the archive ended.
A month dropped before archive records existed is recorded after the fact from the first entry left
(`--already-archived`), and the record says so (`after_the_fact`, under the signature).

And `restores.jsonl` holds the restore records (`RestoreRecord`): when the database was restored from a
backup taken before the last checkpoint, the entries after the backup are gone and the platform writes
new ones under their numbers. Every checkpoint is also a statement that the entries up to its head
existed when it was written, so the verifier refuses an entry recorded after a checkpoint that already
covered its number (`Coverage`). `manage.py audit_restore_record` then writes "restored to entry #N,
with its hash; entries #N+1 to #M lost": the checkpoints written before it past entry #N describe the
lost entries and no longer bind the chain (`superseded`), and every verification names the loss.
"""
from __future__ import annotations

import hmac
import json
import os
from bisect import bisect_left
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from django.conf import settings

from audit.hashing import canonical_json, mac, mac_key_id, mac_keys

FILE_GLOB = "checkpoints-*.jsonl"
ARCHIVES_FILE = "archives.jsonl"
RESTORES_FILE = "restores.jsonl"
# How much later than a checkpoint's `written_at` an entry it covers may say it was recorded: the job
# reads its clock just before it reads the chain, and the web and worker nodes' clocks may differ a
# little (NTP keeps them within a second). A backup restored and used within these minutes of the last
# checkpoint is not told from an edit by this rule: the checkpoint's hash still tells it.
RECORDED_AFTER_CHECKPOINT_TOLERANCE = timedelta(minutes=5)


class _Signed:
    """A line signed with the audit key (its `key_id` and `signature` fields close the dataclass)."""

    # Fields added after lines were first signed: left out of the signed content while they hold their
    # default, so the lines signed before they existed (which mean that default) keep their signatures.
    signed_when_set: tuple[str, ...] = ()

    def signed_content(self) -> bytes:
        content = asdict(self)
        del content["signature"]
        for name in self.signed_when_set:
            if content[name] == type(self).__dataclass_fields__[name].default:
                del content[name]
        return canonical_json(content)


@dataclass(frozen=True)
class Checkpoint(_Signed):
    kind: ClassVar[str] = "checkpoint"
    signed_when_set = ("head_recorded_at",)

    sequence: int
    head_hash: str
    written_at: str  # ISO 8601, UTC
    keyed_from: int
    # When the head entry says it was recorded (ISO 8601, UTC; "" on checkpoints written before 2026-12):
    # by the clock of the node that wrote it, which may run a little ahead of the job's.
    head_recorded_at: str = ""
    key_id: str = ""
    signature: str = ""

    @property
    def written(self) -> datetime:
        """The moment by which every entry up to the head existed."""
        written = datetime.fromisoformat(self.written_at)
        if self.head_recorded_at:
            return max(written, datetime.fromisoformat(self.head_recorded_at))
        return written


@dataclass(frozen=True)
class ArchiveRecord(_Signed):
    """Entries #1 to #`through` were archived (the last of them in `month`, YYYY-MM) into a dump whose
    SHA-256 is `dump_sha256`; `through_hash` is entry #`through`'s hash, read from the database before
    the month was dropped, to which the first entry left must link.

    `after_the_fact`: recorded once the entries were already gone (an archive made before archive
    records existed): `through` and `through_hash` are then the first entry left's sequence less one and
    its prev_hash, taken from the chain that is left, not computed from the archived entries; `month` is
    empty, and `dump_sha256` too unless the old dump was given."""

    signed_when_set = ("after_the_fact",)

    through: int
    through_hash: str
    month: str
    dump_sha256: str
    written_at: str  # ISO 8601, UTC
    after_the_fact: bool = False
    key_id: str = ""
    signature: str = ""


@dataclass(frozen=True)
class RestoreRecord(_Signed):
    """The database was restored from a backup whose newest entry was #`restored_to`, whose hash,
    read from the database when the record was written, is `restored_hash`; entries #`restored_to` + 1
    to #`lost_through` (the furthest a checkpoint had recorded) were lost, and the entries numbered
    from #`restored_to` + 1 on are new ones. `backup` is the operator's own description of the backup
    (its file or time), as given. Written by `manage.py audit_restore_record` (docs/operations.md).

    Read as an anchor like a checkpoint: entry #`restored_to` must keep that hash, and none up to it
    may be recorded after the record was written."""

    kind: ClassVar[str] = "restore record"

    restored_to: int
    restored_hash: str
    lost_through: int
    backup: str
    written_at: str  # ISO 8601, UTC
    key_id: str = ""
    signature: str = ""

    @property
    def sequence(self) -> int:
        return self.restored_to

    @property
    def head_hash(self) -> str:
        return self.restored_hash

    @property
    def written(self) -> datetime:
        return datetime.fromisoformat(self.written_at)


def _went_back_on(restore: RestoreRecord, checkpoint: Checkpoint) -> bool:
    """Whether `restore` went back on what `checkpoint` recorded: written after it, to an entry before
    its head."""
    return restore.restored_to < checkpoint.sequence and restore.written > checkpoint.written


@dataclass(frozen=True)
class Coverage:
    """The latest moment each entry may say it was recorded: the entries up to a checkpoint's head
    existed when it was written, so an entry recorded later, under a number the checkpoint covered, is
    not the one it covered (the trail was restored from an older backup, or rewritten).

    `stretches`: (last sequence, latest moment, the anchor that sets it), by sequence: the stretch runs
    from the entry after the previous one's last sequence; entries after the last stretch are covered
    by nothing yet."""

    stretches: tuple[tuple[int, datetime, object], ...] = ()
    ends: tuple[int, ...] = ()  # each stretch's last sequence, for the look-up

    def at(self, sequence: int, *, like) -> tuple[int, object, object]:
        """(last sequence of the stretch holding `sequence`, its latest moment written as `like` is (the
        verifier's rows carry the time as text on PostgreSQL, a datetime elsewhere), the anchor); with
        None for both once past every stretch."""
        index = bisect_left(self.ends, sequence)
        if index == len(self.stretches):
            return 2**63 - 1, None, None
        last, latest, anchor = self.stretches[index]
        if isinstance(like, str):
            latest = latest.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        return last, latest, anchor


@dataclass(frozen=True)
class Anchors:
    """What the checkpoint files say, read once per verification."""

    checkpoints: list[Checkpoint]  # the ones that bind the chain: none a restore record went back on
    problem: str = ""  # a line that is not a validly signed checkpoint, archive or restore record
    archives: list[ArchiveRecord] = field(default_factory=list)  # in the order written
    restores: list[RestoreRecord] = field(default_factory=list)  # in the order written
    # Checkpoints written before a restore record, past the entry the trail was restored to: they
    # describe entries the restore lost.
    superseded: list[Checkpoint] = field(default_factory=list)

    @property
    def keyed_from(self) -> int | None:
        # Fixed by the first checkpoint ever written, whatever a restore went back on since.
        first = min(self.checkpoints + self.superseded, key=lambda c: c.written_at, default=None)
        return first.keyed_from if first is not None else None

    @property
    def restore_anchors(self) -> list[RestoreRecord]:
        """The restore records whose entry is still the chain's: none a later restore went back on."""
        return [restore for index, restore in enumerate(self.restores)  # later ones: further down the file
                if not any(later.restored_to < restore.restored_to for later in self.restores[index + 1:])]

    def coverage(self) -> Coverage:
        """The latest moment each entry may say it was recorded (`Coverage`), from the checkpoints and
        restore records that bind the chain."""
        stretches: list[tuple[int, datetime, object]] = []
        for anchor in sorted([*self.checkpoints, *self.restore_anchors], key=lambda a: -a.sequence):
            latest = anchor.written + RECORDED_AFTER_CHECKPOINT_TOLERANCE
            if stretches and stretches[-1][1] <= latest:
                continue  # a later head, written earlier, already holds these entries to an earlier time
            stretches.append((anchor.sequence, latest, anchor))
        stretches.reverse()
        return Coverage(tuple(stretches), tuple(last for last, _latest, _anchor in stretches))

    @property
    def last(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: c.sequence, default=None)

    def by_sequence(self) -> dict[int, list[Checkpoint | RestoreRecord]]:
        """The hash each anchored entry must carry: the checkpoints' heads and the restore records'
        entries."""
        found: dict[int, list[Checkpoint | RestoreRecord]] = {}
        for anchor in [*self.checkpoints, *self.restore_anchors]:
            found.setdefault(anchor.sequence, []).append(anchor)
        return found

    def first_at_or_after(self, sequence: int) -> Checkpoint | None:
        """The checkpoint with the lowest head at or after entry #`sequence`."""
        later = (checkpoint for checkpoint in self.checkpoints if checkpoint.sequence >= sequence)
        return min(later, key=lambda checkpoint: checkpoint.sequence, default=None)

    def archive_ending_at(self, sequence: int) -> ArchiveRecord | None:
        """The latest archive record that says the archive ended at entry #`sequence`."""
        return next((record for record in reversed(self.archives) if record.through == sequence), None)

    @property
    def last_archive(self) -> ArchiveRecord | None:
        return max(self.archives, key=lambda record: record.through, default=None)


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def signed(record: _Signed):
    """`record` (a checkpoint or an archive record) signed with the current audit key."""
    key = settings.AUDIT_MAC_KEY[0]
    unsigned = replace(record, key_id=mac_key_id(key), signature="")
    return replace(unsigned, signature=mac(key.encode(), unsigned.signed_content()))


def _signature_valid(record) -> bool:
    key = mac_keys().get(record.key_id)
    if key is None:
        return False
    return hmac.compare_digest(mac(key, record.signed_content()), record.signature)


def _lines_read(path: Path, kind, found: list, *, named: str) -> str:
    """Append to `found` each validly signed `kind` in the file; the first line that is not one is named."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = kind(**json.loads(line))
        except (ValueError, TypeError):
            return f"{path.name} line {number} is not {named}"
        if not _signature_valid(record):
            return f"{path.name} line {number} does not carry a valid signature"
        found.append(record)
    return ""


def checkpoints_read() -> Anchors:
    """Every checkpoint, oldest first (those a restore record went back on apart), every archive record
    and every restore record; the first line that is not one validly signed is named."""
    found: list[Checkpoint] = []
    archives: list[ArchiveRecord] = []
    restores: list[RestoreRecord] = []
    problem = ""
    for path in sorted(checkpoint_dir().glob(FILE_GLOB)):
        problem = problem or _lines_read(path, Checkpoint, found, named="a checkpoint")
    for filename, kind, records, named in ((ARCHIVES_FILE, ArchiveRecord, archives, "an archive record"),
                                           (RESTORES_FILE, RestoreRecord, restores, "a restore record")):
        if (checkpoint_dir() / filename).exists():
            problem = problem or _lines_read(checkpoint_dir() / filename, kind, records, named=named)
    found.sort(key=lambda c: (c.written_at, c.sequence))
    superseded = [c for c in found if any(_went_back_on(restore, c) for restore in restores)]
    return Anchors([c for c in found if c not in superseded], problem, archives, restores, superseded)


def _signed_line_append(record: _Signed, filename: str) -> str:
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(signed(record)), sort_keys=True) + "\n"
    # O_APPEND: a writer can only add to the end, never rewrite what an earlier hour wrote.
    descriptor = os.open(directory / filename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return line


def checkpoint_append(checkpoint: Checkpoint, *, now: datetime) -> str:
    """Append one signed line to this month's file and return the line."""
    return _signed_line_append(checkpoint, f"checkpoints-{now:%Y-%m}.jsonl")


def archive_record_append(record: ArchiveRecord) -> str:
    """Append one signed archive record to the archives file beside the checkpoints; return the line."""
    return _signed_line_append(record, ARCHIVES_FILE)


def restore_record_append(record: RestoreRecord) -> str:
    """Append one signed restore record to the restores file beside the checkpoints; return the line."""
    return _signed_line_append(record, RESTORES_FILE)
