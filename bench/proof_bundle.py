"""Benchmark: a customer's proof bundle with 1,000 consent events and 100 requests.

Set-up: the PostgreSQL database `<prefix>_proof_bundle` (created and migrated here, bench/common.py),
seeded as `bench/dsr_export.py` seeds its customer (500 consents granted then withdrawn: 1,000 consent
events, each with its receipt to hash; 100 answered requests with three status changes each, and one
open). Times `regulator.proof_bundle.proof_bundle` (every read, 1,000 receipts built and hashed, the
audit entries checked, the closing hash) 10 times and prints p50 and max, the queries of one build and
the size of its JSON.

    python bench/proof_bundle.py
"""

from __future__ import annotations

import json
import time

from common import bench_env, ensure_database, percentiles, setup_django, sized
from dsr_export import seed

ENV = bench_env("proof_bundle")
RUNS = sized(10, 2)


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.actors import Actor
    from regulator.proof_bundle import proof_bundle

    subject = seed().subject
    actor = Actor.system("bench")
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        bundle = proof_bundle(subject, generated_by=actor)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        proof_bundle(subject, generated_by=actor)
    events = sum(len(p["events"]) for p in bundle["consents"])
    print(
        f"bundle of {events:,} consent events, {len(bundle['requests'])} requests, "
        f"{len(bundle['audit']['entries'])} audit entries: {len(queries)} queries, "
        f"{len(json.dumps(bundle, ensure_ascii=False)) / 1024:.0f} KiB"
    )
    print(f"proof_bundle                     {percentiles(samples)}")


if __name__ == "__main__":
    main()
