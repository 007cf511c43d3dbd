"""Keyed hashes for encrypted personal data.

Encrypted columns cannot be searched, and decrypting every row to find one is out of the question
at bank scale. Beside each searchable ciphertext we store an HMAC-SHA256 of its normalised value
(a "blind index"), keyed with BLIND_INDEX_KEY, which is separate from the encryption key.
"""
from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def blind_index(value: str | None) -> str:
    """The hex HMAC of an already-normalised value, or "" for an empty one."""
    if not value:
        return ""
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def fingerprint(value: object) -> str:
    """A short keyed fingerprint that shows a value changed without revealing it (for the audit)."""
    if value in (None, ""):
        return ""
    return blind_index(str(value))[:16]
