"""A reproducible random sample of a population listed in a fixed order: what an auditor draws to
test a control (25 consents of the year) and what the external auditor after them must be able to
draw again.

The method is stated in every answer (`SAMPLE_METHOD`) so it can be repeated outside the platform:
the population's keys in its stated order, numbered from 0; Python's `random.Random(seed)` (seeded
from the seed's text) choosing `size` distinct positions with `sample(range(N), size)`; the sample
listed in the order drawn. The population's fingerprint is the SHA-256 of its keys, one a line in
that order, so a record added to a past period later (a late import) shows as another population."""
from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable

SAMPLE_METHOD = (
    "positions = random.Random(seed).sample(range(population_count), min(size, population_count)) "
    "(Python 3, seed as text) over the population's keys in its stated order, numbered from 0; "
    "population_sha256 = SHA-256 of the keys, one per line ('\\n'-joined, UTF-8), in that order"
)
SEED_MAX = 64


def sample_positions(population_count: int, *, size: int, seed: str) -> list[int]:
    """The positions drawn, in the order drawn."""
    # Not for secrets: an auditor's sample must be drawn again from the seed, by anyone.
    drawn = random.Random(seed)  # noqa: S311
    return drawn.sample(range(population_count), min(size, population_count))


def sample_seed_new() -> str:
    """A seed for a draw the auditor did not seed: given back with the sample to draw it again."""
    return secrets.token_hex(8)


def population_fingerprint(keys: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for index, key in enumerate(keys):
        digest.update((f"\n{key}" if index else key).encode())
    return digest.hexdigest()
