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
"""
from __future__ import annotations

import hmac
import json
import os
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from django.conf import settings

from audit.hashing import canonical_json, mac, mac_key_id, mac_keys

FILE_GLOB = "checkpoints-*.jsonl"
ARCHIVES_FILE = "archives.jsonl"


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
    sequence: int
    head_hash: str
    written_at: str  # ISO 8601, UTC
    keyed_from: int
    key_id: str = ""
    signature: str = ""


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
class Anchors:
    """What the checkpoint files say, read once per verification."""

    checkpoints: list[Checkpoint]
    problem: str = ""  # a line that is not a validly signed checkpoint or archive record
    archives: list[ArchiveRecord] = field(default_factory=list)  # in the order written

    @property
    def keyed_from(self) -> int | None:
        return self.checkpoints[0].keyed_from if self.checkpoints else None

    @property
    def last(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: c.sequence, default=None)

    def by_sequence(self) -> dict[int, list[Checkpoint]]:
        found: dict[int, list[Checkpoint]] = {}
        for checkpoint in self.checkpoints:
            found.setdefault(checkpoint.sequence, []).append(checkpoint)
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
    """Every checkpoint, oldest first, and every archive record; the first line that is not one validly
    signed is named."""
    found: list[Checkpoint] = []
    archives: list[ArchiveRecord] = []
    problem = ""
    for path in sorted(checkpoint_dir().glob(FILE_GLOB)):
        problem = problem or _lines_read(path, Checkpoint, found, named="a checkpoint")
    archives_path = checkpoint_dir() / ARCHIVES_FILE
    if archives_path.exists():
        problem = problem or _lines_read(archives_path, ArchiveRecord, archives, named="an archive record")
    return Anchors(sorted(found, key=lambda c: (c.written_at, c.sequence)), problem, archives)


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
