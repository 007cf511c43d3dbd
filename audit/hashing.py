"""The canonical form of an audit entry and its hash, shared by the writer and the verifier."""
from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_data(data: dict[str, Any] | None) -> dict[str, Any]:
    """Round-trip through JSON so what is hashed equals what the database gives back."""
    return json.loads(json.dumps(data or {}, default=str, sort_keys=True))


def entry_digest(entry) -> str:
    content = {
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
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()
