"""Benchmark: the record of processing activities (regulator) over the demo catalogue.

Set-up: the PostgreSQL database `<prefix>_reg` (created and migrated here, bench/common.py),
loaded with `seed_demo`. Builds the record (`regulator.documents.processing_record`, what the page,
the JSON and the CSV all call) 20 times and prints the number of purposes, the queries one build
issues and p50/max of the build time. `--extra N` adds N more purposes with a processing activity
each, to show whether the query count grows with the catalogue.

    python bench/processing_record.py [--extra 40]
"""

from __future__ import annotations

import argparse
import io
import time

from common import bench_env, ensure_database, percentiles, setup_django, sized

ENV = bench_env("reg", DEMO="true")  # seeded with the demo data, a demo installation
RUNS = sized(20, 3)


def add_purposes(count: int) -> None:
    from django.utils import timezone

    from consents.models import Purpose
    from consents.services.catalogue import purpose_create
    from core.actors import Actor
    from dsr.models import DataCategory, System
    from regulator.services import activity_save

    actor = Actor.system("bench")
    systems = list(System.objects.values_list("code", flat=True)[:3])
    categories = list(DataCategory.objects.values_list("code", flat=True)[:4])
    for index in range(count):
        code = f"bench-purpose-{index:03d}"
        if not Purpose.objects.filter(code=code).exists():
            purpose_create(
                actor=actor,
                code=code,
                name_vi=f"Mục đích thử {index}",
                name_en=f"Bench purpose {index}",
                description_vi="Mô tả",
                description_en="Description",
                category="service",
                legal_basis="consent",
                notice_text_vi="Thông báo",
                notice_text_en="Notice",
            )
            activity_save(
                actor=actor,
                purpose_code=code,
                systems=systems,
                categories=categories,
                data_subjects="customers",
                security_measures="Encryption at rest",
                started_at=timezone.now(),
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--extra", type=int, default=0, help="purposes to add to the demo catalogue")
    args = parser.parse_args()
    ensure_database(ENV)
    setup_django(ENV)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from regulator.documents import processing_record

    call_command("seed_demo", stdout=io.StringIO())  # in this process: one Django start-up, not two
    if args.extra:
        add_purposes(args.extra)
    processing_record()  # warm caches (translations, content types)
    with CaptureQueriesContext(connection) as queries:
        record = processing_record()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        processing_record()
        samples.append((time.perf_counter() - started) * 1000)
    print(f"processing record: {len(record['entries'])} purposes, {len(queries)} queries per build")  # noqa: T201
    print(f"build time: {percentiles(samples)}")  # noqa: T201


if __name__ == "__main__":
    main()
