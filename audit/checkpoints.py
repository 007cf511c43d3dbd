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
"""
from __future__ import annotations

import hmac
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from audit.hashing import canonical_json, mac, mac_key_id, mac_keys

FILE_GLOB = "checkpoints-*.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    head_hash: str
    written_at: str  # ISO 8601, UTC
    keyed_from: int
    key_id: str = ""
    signature: str = ""

    def signed_content(self) -> bytes:
        content = asdict(self)
        del content["signature"]
        return canonical_json(content)


@dataclass(frozen=True)
class Anchors:
    """What the checkpoint files say, read once per verification."""

    checkpoints: list[Checkpoint]
    problem: str = ""  # a line that is not a validly signed checkpoint

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


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def checkpoint_sign(checkpoint: Checkpoint) -> Checkpoint:
    key = settings.AUDIT_MAC_KEY[0]
    unsigned = Checkpoint(**{**asdict(checkpoint), "key_id": mac_key_id(key), "signature": ""})
    return Checkpoint(**{**asdict(unsigned), "signature": mac(key.encode(), unsigned.signed_content())})


def _signature_valid(checkpoint: Checkpoint) -> bool:
    key = mac_keys().get(checkpoint.key_id)
    if key is None:
        return False
    return hmac.compare_digest(mac(key, checkpoint.signed_content()), checkpoint.signature)


def checkpoints_read() -> Anchors:
    """Every checkpoint, oldest first; the first line that is not one validly signed is named."""
    found: list[Checkpoint] = []
    for path in sorted(checkpoint_dir().glob(FILE_GLOB)):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                checkpoint = Checkpoint(**json.loads(line))
            except (ValueError, TypeError):
                return Anchors(found, f"{path.name} line {number} is not a checkpoint")
            if not _signature_valid(checkpoint):
                return Anchors(found, f"{path.name} line {number} does not carry a valid signature")
            found.append(checkpoint)
    return Anchors(sorted(found, key=lambda c: (c.written_at, c.sequence)))


def checkpoint_append(checkpoint: Checkpoint, *, now: datetime) -> str:
    """Append one signed line to this month's file and return the line."""
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(checkpoint_sign(checkpoint)), sort_keys=True) + "\n"
    path = directory / f"checkpoints-{now:%Y-%m}.jsonl"
    # O_APPEND: a writer can only add to the end, never rewrite what an earlier hour wrote.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return line
