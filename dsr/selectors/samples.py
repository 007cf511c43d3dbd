"""The auditor's samples: consents or requests of a period drawn at random, reproducibly, each with
the link to its evidence (`core.sampling` states the method).

A population is the records of `[since, until)` in a stated order, by the moment that places them in
the period (a consent record by `granted_at`, the moment of the customer's answer, refusals included;
a request by `received_at`), then by id. Those moments are never rewritten, so a past period's
population stays the same unless records are added to it later (an import of old paper forms), which
its fingerprint shows."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from consents.models import Consent
from core.moments import period_check
from core.sampling import SAMPLE_METHOD, population_fingerprint, sample_positions, sample_seed_new
from deadlines.policy import local_midnight
from dsr.models import DataSubjectRequest

# Read from the database this many keys at a time while walking a population (a year of a bank's
# consents runs to millions: never all in memory).
POPULATION_CHUNK = 5000
# The largest sample drawn at once: an audit's samples are tens.
SAMPLE_SIZE_MAX = 500


def _consents(since: datetime, until: datetime) -> QuerySet:
    return Consent.objects.filter(granted_at__gte=since, granted_at__lt=until).order_by("granted_at", "id")


def _requests(since: datetime, until: datetime) -> QuerySet:
    return DataSubjectRequest.objects.filter(received_at__gte=since, received_at__lt=until).order_by(
        "received_at", "id"
    )


def _entries_link(record: Consent | DataSubjectRequest) -> str:
    """The trail narrowed to the record, by its customer's id (not their CIF: no personal data in a URL)."""
    return f"/api/v1/audit/?subject={record.subject_id}&target={record.pk}"


def _record(record: Consent | DataSubjectRequest, *, at: datetime) -> dict[str, Any]:
    """What every sampled record is listed with: which it is, when, whose, its status and channel."""
    return {
        "id": str(record.pk), "at": at, "subject": record.subject.external_ref,
        "subject_id": str(record.subject_id), "status": record.status,
        "status_label": str(record.get_status_display()), "channel": record.channel,
    }


def _consent_item(consent: Consent) -> dict[str, Any]:
    return {
        **_record(consent, at=consent.granted_at), "purpose": consent.purpose.code,
        "evidence": f"/api/v1/consents/{consent.pk}/", "audit_entries": _entries_link(consent),
    }


def _request_item(request: DataSubjectRequest) -> dict[str, Any]:
    return {
        **_record(request, at=request.received_at), "type": request.type,
        "evidence": f"/api/v1/requests/{request.pk}/", "audit_entries": _entries_link(request),
    }


# population name → (its records of a period in their stated order, the moment that orders them, the
# related rows a sampled record is listed with, one sampled record as listed)
SAMPLE_POPULATIONS = {
    "consents": (_consents, "granted_at", ("subject", "purpose"), _consent_item),
    "requests": (_requests, "received_at", ("subject",), _request_item),
}


def audit_sample(*, population: str, since: date, until: date, size: int, seed: str | None) -> dict[str, Any]:
    """`size` records of the population of the local days `[since, until)` drawn with `seed` (one is
    chosen when none is given, and given back), in the order drawn, with the population's count and
    fingerprint and the method to draw them again. A period ending before it starts is refused."""
    records, ordered_by, related, item = SAMPLE_POPULATIONS[population]
    since, until = local_midnight(since), local_midnight(until)
    period_check(since, until)
    seed = seed or sample_seed_new()
    in_period = records(since, until)
    count = in_period.count()
    positions = sample_positions(count, size=size, seed=seed)
    wanted, drawn = set(positions), {}

    def walked():
        """The population's keys in order, one pass, noting those at the drawn positions."""
        keys = in_period.values_list("pk", flat=True).iterator(chunk_size=POPULATION_CHUNK)
        for position, key in enumerate(keys):
            if position in wanted:
                drawn[position] = key
            yield str(key)

    fingerprint = population_fingerprint(walked())
    rows = in_period.model.objects.select_related(*related).in_bulk(list(drawn.values()))
    return {
        "population": population,
        "ordered_by": [ordered_by, "id"],
        "since": since,
        "until": until,
        "population_count": count,
        "population_sha256": fingerprint,
        "seed": seed,
        "size": size,
        "method": SAMPLE_METHOD,
        # A record committed between the count and the walk (a period still running) can leave a drawn
        # position past the end: it is left out. A closed period's population does not move.
        "items": [{"position": position, **item(rows[drawn[position]])} for position in positions
                  if position in drawn],
    }
