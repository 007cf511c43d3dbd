"""The keyed hash (HMAC-SHA256 under BLIND_INDEX_KEY) behind every blind index and audit fingerprint.

In the kernel so that apps below `subjects` (accounts: an unlocked login no account has) can fingerprint
a value the same way; `subjects.crypto` builds the searchable indexes and salted fingerprints on it."""
from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def blind_index(value: str | None, *, key: str | None = None) -> str:
    """The hex HMAC of an already-normalised value under the current key (or `key`), "" for an empty one."""
    if not value:
        return ""
    secret = (key if key is not None else settings.BLIND_INDEX_KEY).encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
