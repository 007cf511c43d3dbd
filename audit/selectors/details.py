"""What an audit entry recorded, as lines a reader follows on the trail page: a change's before and
after, then the other facts the entry keeps. Entries hold no plaintext personal data (conventions), so
the auditor reads on the page what only the API's JSON or the database used to show."""
from __future__ import annotations

import json
from typing import Any

# A value longer than this (a whole-chain check's report) is cut on the page; the API gives it whole.
DETAIL_VALUE_MAX = 300
CHANGE_KEYS = ("before", "after")


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= DETAIL_VALUE_MAX else f"{text[:DETAIL_VALUE_MAX - 1]}…"


def _line_value(value: Any) -> str:
    if isinstance(value, dict) and set(value) == set(CHANGE_KEYS):
        return f"{_shown(value['before'])} → {_shown(value['after'])}"
    return _shown(value)


def audit_entry_details(data: Any) -> list[tuple[str, str]]:
    """(name, value) lines of an entry's `data`: each change under `changed` (or a key holding just
    before/after) as "before → after", first; every other key as its value."""
    data = data or {}
    if not isinstance(data, dict):  # a JSON field holds any value: other than an object, shown whole
        return [("", _shown(data))]
    others = dict(data)
    changed = others.pop("changed", None) if isinstance(data.get("changed"), dict) else {}
    return [(name, _line_value(value)) for name, value in [*sorted(changed.items()), *sorted(others.items())]]
