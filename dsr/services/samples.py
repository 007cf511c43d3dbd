"""Drawing an auditor's sample, with the record of who drew which: an external auditor relying on the
sample asks who drew it, when, and from which population, and draws it again from the seed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from audit.services import audit_record
from core.actors import Actor
from core.replica import replica_reads
from dsr.selectors.samples import audit_sample


def audit_sample_draw(
    *, actor: Actor, population: str, since: date, until: date, size: int, seed: str | None
) -> dict[str, Any]:
    """`dsr.selectors.samples.audit_sample`, read from the replica, then its audit entry (the seed, the
    period, the size asked, the population's count and fingerprint, how many were drawn): enough to draw
    the same records again and to see whether the population moved since. A refused draw (InvalidInput)
    records nothing."""
    with replica_reads():
        sample = audit_sample(population=population, since=since, until=until, size=size, seed=seed)
    with transaction.atomic(durable=True):
        audit_record(
            action="dsr.sample.drawn", actor=actor, subject=None, target=None,
            data={
                "population": population, "since": since.isoformat(), "until": until.isoformat(),
                "size": size, "seed": sample["seed"], "population_count": sample["population_count"],
                "population_sha256": sample["population_sha256"], "drawn": len(sample["items"]),
            },
        )
    return sample
