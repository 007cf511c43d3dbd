"""Keyed hashes for encrypted personal data.

Encrypted columns cannot be searched, and decrypting every row to find one is out of the question
at bank scale. Beside each searchable ciphertext we store an HMAC-SHA256 of its normalised value
(a "blind index"), keyed with BLIND_INDEX_KEY, which is separate from the encryption key.

This module is the one place that computes indexes (on `core.keyed.blind_index`, the keyed hash).
While the blind-index key is being rotated (BLIND_INDEX_KEY_PREVIOUS set, `manage.py rotate_keys` not
finished yet) look-ups match an index made with either key, through `blind_index_candidates`.
"""
from __future__ import annotations

import secrets

from django.conf import settings

from core.keyed import blind_index

__all__ = ["blind_index", "blind_index_candidates", "fingerprint", "fingerprint_salt_new"]


def blind_index_candidates(value: str | None) -> list[str]:
    """Every index a stored row may carry for this value: the current key's, then the previous key's."""
    if not value:
        return []
    candidates = [blind_index(value)]
    if getattr(settings, "BLIND_INDEX_KEY_PREVIOUS", ""):
        candidates.append(blind_index(value, key=settings.BLIND_INDEX_KEY_PREVIOUS))
    return candidates


def fingerprint(value: object, *, salt: str = "") -> str:
    """A short keyed fingerprint that shows a value changed without revealing it (for the audit).

    `salt` is the customer's own secret (`DataSubject.fingerprint_salt`) for their personal data: once
    it is destroyed with their data, nobody holding the key can match an erased value against the
    fingerprint by trying every candidate phone number."""
    if value in (None, ""):
        return ""
    return blind_index(f"{salt}:{value}" if salt else str(value))[:16]


def fingerprint_salt_new() -> str:
    return secrets.token_hex(16)
