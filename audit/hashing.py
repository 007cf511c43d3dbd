"""The canonical form of an audit entry and its seal, shared by the writer and the verifier.

An entry is sealed with an HMAC-SHA256 under a key held outside the database (`AUDIT_MAC_KEY`), so
someone who can edit the tables cannot recompute a valid chain after changing an entry. Entries
written before the keyed MAC existed carry a plain SHA-256 and an empty `mac_key_id`; they keep
verifying, but only below the switch-over sequence the checkpoints record (audit/checkpoints.py).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64
# The `mac_key_id` of an entry sealed with a plain SHA-256, before the keyed MAC existed.
UNKEYED = ""


def canonical_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """Round-trip through JSON so what is hashed equals what the database gives back."""
    return json.loads(json.dumps(data or {}, default=str, sort_keys=True))


def canonical_json(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _content(entry) -> dict[str, Any]:
    return {
        "sequence": entry.sequence,
        "recorded_at": entry.recorded_at.isoformat(timespec="microseconds"),
        "actor_kind": entry.actor_kind,
        "actor_user_id": entry.actor_user_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "subject_id": str(entry.subject_id) if entry.subject_id else None,
        "data": entry.data,
        "request_id": entry.request_id,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }


def entry_digest(entry) -> str:
    """The unkeyed SHA-256 of entries written before the keyed MAC (anyone can recompute it)."""
    return hashlib.sha256(canonical_json(_content(entry))).hexdigest()


def mac_key_id(key: str) -> str:
    """Names a key in entries and checkpoints without revealing it."""
    return hashlib.sha256(b"qdl-audit-mac-key-id|" + key.encode()).hexdigest()[:16]


def mac_keys() -> dict[str, bytes]:
    """Every configured key by its id, read from the settings now (tests and rotations change them)."""
    return {mac_key_id(key): key.encode() for key in settings.AUDIT_MAC_KEY}


def mac(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def entry_seal(entry) -> None:
    """Seal an unsaved entry with the first configured key."""
    key = settings.AUDIT_MAC_KEY[0]
    entry.mac_key_id = mac_key_id(key)
    entry.entry_hash = mac(key.encode(), canonical_json({**_content(entry), "mac_key_id": entry.mac_key_id}))


def entry_seal_problem(entry) -> str:
    """Why the entry's seal does not check out ("" when it does)."""
    if entry.mac_key_id == UNKEYED:
        return "" if hmac.compare_digest(entry_digest(entry), entry.entry_hash) else "altered"
    key = mac_keys().get(entry.mac_key_id)
    if key is None:
        return "signed with a key that is not configured (AUDIT_MAC_KEY)"
    expected = mac(key, canonical_json({**_content(entry), "mac_key_id": entry.mac_key_id}))
    return "" if hmac.compare_digest(expected, entry.entry_hash) else "altered"
