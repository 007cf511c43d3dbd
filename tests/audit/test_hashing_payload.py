"""The verifier's hand-ordered payload is byte for byte the writer's canonical JSON (audit/hashing.py)."""
from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.hashing import UNKEYED, MacKey, _payload, _payload_fast, entry_seal_problem, mac

text = st.text(st.characters(codec="utf-8"), max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
entries = st.builds(
    SimpleNamespace,
    sequence=st.integers(min_value=1, max_value=10**12),
    recorded_at=st.datetimes(timezones=st.just(UTC)) | st.just("2026-11-30T20:00:00.123456+00:00"),
    actor_kind=text,
    actor_user_id=st.none() | st.integers(min_value=1, max_value=10**15),
    actor_label=text,
    action=text,
    target_type=text,
    target_id=text,
    subject_id=st.none() | st.uuids() | st.uuids().map(str),
    data=st.dictionaries(text, json_values, max_size=5),
    request_id=text,
    ip=st.none() | st.ip_addresses().map(str),
    prev_hash=text,
)


@settings(max_examples=300, deadline=None)
@given(entry=entries, mac_key=st.none() | st.text(max_size=16))
def test_the_fast_payload_equals_the_definition(entry, mac_key):
    assert _payload_fast(entry, mac_key) == _payload(entry, mac_key)


def test_a_typical_entry_reads_as_sorted_canonical_json():
    entry = SimpleNamespace(
        sequence=7, recorded_at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), actor_kind="staff",
        actor_user_id=3,
        actor_label="Lê \"Thị\" An", action="consents.consent.granted", target_type="consents.consent",
        target_id="9", subject_id=uuid.UUID(int=1), data={"b": [1, None], "a": "ổ"}, request_id="r",
        ip="::1", prev_hash="0" * 64,
    )
    assert _payload_fast(entry, "k1") == (
        '{"action":"consents.consent.granted","actor_kind":"staff","actor_label":"Lê \\"Thị\\" An",'
        '"actor_user_id":3,"data":{"a":"ổ","b":[1,null]},"ip":"::1","mac_key_id":"k1",'
        f'"prev_hash":"{"0" * 64}","recorded_at":"2026-01-02T03:04:05.000006+00:00","request_id":"r",'
        '"sequence":7,"subject_id":"00000000-0000-0000-0000-000000000001","target_id":"9",'
        '"target_type":"consents.consent"}'
    ).encode()


@settings(max_examples=300, deadline=None)
@given(
    entry=entries, data=st.none() | st.dictionaries(text, json_values, max_size=5),
    key=st.text(min_size=1, max_size=100), keyed=st.booleans(),
)
def test_the_verifier_accepts_exactly_what_the_writer_sealed(entry, data, key, keyed):
    """The verifier's prepared key and hand-built payload against the definition: keyed entries (keys
    shorter and longer than the hash's block) and entries from before the keyed seal."""
    entry.data = data
    if keyed:
        entry.mac_key_id, entry.entry_hash = "k", mac(key.encode(), _payload(entry, "k"))
    else:
        entry.mac_key_id, entry.entry_hash = UNKEYED, hashlib.sha256(_payload(entry, None)).hexdigest()
    keys = {"k": MacKey(key.encode())}

    assert entry_seal_problem(entry, keys=keys, keyed_since=None) == ""
    entry.sequence += 1
    assert entry_seal_problem(entry, keys=keys, keyed_since=None) == "altered"
