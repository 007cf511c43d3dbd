"""Whether a customer's data is being deleted: a verified deletion request still open. Requests are the
`dsr` app's, a layer above this one, so `dsr` registers its look-up at start-up
(`register_deletion_lookup`) and the grant asks it (`deletion_under_way`); this app never imports dsr.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Each is called as lookup(subject_id) and answers whether a verified deletion of theirs is open.
_lookups: list[Callable[[Any], bool]] = []


def register_deletion_lookup(lookup: Callable[[Any], bool]) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def deletion_under_way(subject_id) -> bool:
    return any(lookup(subject_id) for lookup in _lookups)
