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


# Built once: `json.dumps` with these options would build a new encoder for every entry, which is
# most of a verification's time.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(content: dict[str, Any]) -> bytes:
    return _CANONICAL.encode(content).encode()


def _content(entry) -> dict[str, Any]:
    recorded_at = entry.recorded_at
    return {
        "sequence": entry.sequence,
        # The verifier may read it already written out by the database (audit/selectors/chain.py).
        "recorded_at": (
            recorded_at if isinstance(recorded_at, str) else recorded_at.isoformat(timespec="microseconds")
        ),
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


def _payload(entry, mac_key: str | None) -> bytes:
    """What is sealed: the canonical JSON of the entry's content (and its key id, when keyed).

    This is the definition; the writer uses it. `_payload_fast` builds the same bytes for the
    verifier, which reads millions of entries (tests/audit/test_hashing_payload.py holds them equal).
    """
    content = _content(entry)
    if mac_key is not None:
        content["mac_key_id"] = mac_key
    return canonical_json(content)


_string = json.encoder.encode_basestring  # the C encoder of one string, as json.dumps uses it
# `_CANONICAL.encode` builds this C encoder anew for every value it is given; the verifier builds it
# once, with `_CANONICAL`'s own options (no circular-reference check: `data` comes from JSON).
_encode_chunks = json.encoder.c_make_encoder(
    None, _CANONICAL.default, _string, _CANONICAL.indent, _CANONICAL.key_separator,
    _CANONICAL.item_separator, _CANONICAL.sort_keys, _CANONICAL.skipkeys, _CANONICAL.allow_nan,
)


def _canonical_value(value) -> str:
    """`_CANONICAL.encode(value)` for a value read back from JSON, without building an encoder."""
    return "".join(_encode_chunks(value, 0))


def _json(value) -> str:
    return "null" if value is None else _CANONICAL.encode(value)


def _payload_fast(entry, mac_key: str | None) -> bytes:
    """`_payload` without the sorting: the keys written in their sorted order by hand."""
    recorded_at = entry.recorded_at
    if not isinstance(recorded_at, str):
        recorded_at = recorded_at.isoformat(timespec="microseconds")
    subject_id = entry.subject_id
    keyed = f',"mac_key_id":{_string(mac_key)}' if mac_key is not None else ""
    return (
        f'{{"action":{_string(entry.action)},"actor_kind":{_string(entry.actor_kind)},'
        f'"actor_label":{_string(entry.actor_label)},"actor_user_id":{_json(entry.actor_user_id)},'
        f'"data":{_canonical_value(entry.data)},"ip":{_json(entry.ip)}{keyed},'
        f'"prev_hash":{_string(entry.prev_hash)},"recorded_at":{_string(recorded_at)},'
        f'"request_id":{_string(entry.request_id)},"sequence":{entry.sequence:d},'
        f'"subject_id":{_string(str(subject_id)) if subject_id else "null"},'
        f'"target_id":{_string(entry.target_id)},"target_type":{_string(entry.target_type)}}}'
    ).encode()


def entry_digest(entry) -> str:
    """The unkeyed SHA-256 of entries written before the keyed MAC (anyone can recompute it)."""
    return hashlib.sha256(_payload_fast(entry, None)).hexdigest()


def mac_key_id(key: str) -> str:
    """Names a key in entries and checkpoints without revealing it."""
    return hashlib.sha256(b"qdl-audit-mac-key-id|" + key.encode()).hexdigest()[:16]


def mac_keys() -> dict[str, bytes]:
    """Every configured key by its id, read from the settings now (tests and rotations change them)."""
    return {mac_key_id(key): key.encode() for key in settings.AUDIT_MAC_KEY}


def mac_keys_prepared() -> dict[str, MacKey]:
    """`mac_keys()` ready to check many entries (`entry_seal_problem`)."""
    return {key_id: MacKey(key) for key_id, key in mac_keys().items()}


def mac(key: bytes, payload: bytes) -> str:
    return hmac.digest(key, payload, "sha256").hex()


_BLOCK = hashlib.sha256().block_size


class MacKey:
    """`mac(key, ·)` for one key checked against many entries: HMAC's inner and outer hashes of the
    padded key are computed once here (RFC 2104), instead of once per entry."""

    def __init__(self, key: bytes) -> None:
        padded = (hashlib.sha256(key).digest() if len(key) > _BLOCK else key).ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))

    def mac(self, payload: bytes) -> str:
        inner = self._inner.copy()
        inner.update(payload)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def entry_seal(entry) -> None:
    """Seal an unsaved entry with the first configured key."""
    key = settings.AUDIT_MAC_KEY[0]
    entry.mac_key_id = mac_key_id(key)
    entry.entry_hash = mac(key.encode(), _payload(entry, entry.mac_key_id))


def keyed_seal_start(keyed_from: int | None, first_keyed: int | None) -> int | None:
    """The first sequence from which an entry must carry the keyed seal: the switch-over the first
    checkpoint recorded (`keyed_from`, outside the database), or the first keyed entry if it came before
    (no unkeyed seal may follow a keyed one); None while neither is known."""
    return min((sequence for sequence in (keyed_from, first_keyed) if sequence is not None), default=None)


def entry_seal_problem(entry, *, keyed_since: int | None, keys: dict[str, MacKey] | None = None) -> str:
    """Why the entry's seal does not check out ("" when it does). The plain SHA-256 of the entries from
    before the keyed MAC is one anyone can compute, so it is accepted only below `keyed_since`
    (`keyed_seal_start`). `keys`: `mac_keys_prepared()`, read once by a caller that checks many
    entries."""
    if entry.mac_key_id == UNKEYED:
        if keyed_since is not None and entry.sequence >= keyed_since:
            return "lacks the keyed seal required since the switch"
        return "" if hmac.compare_digest(entry_digest(entry), entry.entry_hash) else "altered"
    key = (keys if keys is not None else mac_keys_prepared()).get(entry.mac_key_id)
    if key is None:
        return "signed with a key that is not configured (AUDIT_MAC_KEY)"
    expected = key.mac(_payload_fast(entry, entry.mac_key_id))
    return "" if hmac.compare_digest(expected, entry.entry_hash) else "altered"
