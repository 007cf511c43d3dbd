"""Benchmark: CSV import of existing consents on PostgreSQL, time and peak memory at two file sizes.

Uses the consent benchmarks' database `<prefix>_consents` (bench/common.py), 100,000 customers of its
own (`I000000001`...) without consents, and writes CSV files in the temporary directory. Each import
runs in a fresh process that reports its wall time and peak resident memory, so the figures are not
polluted by the file generation. 1 % of the rows are bad on purpose (unknown customer) to exercise
reporting. Then the largest file is imported again to show that a re-run imports nothing.

    python bench/consent_import.py          # BENCH_SIZES=25000,100000
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, SMOKE, bench_env, ensure_database, setup_django, subjects_copy

ENV = bench_env("consents", settings="bench.consent_settings")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "100" if SMOKE else "25000,100000").split(",")]
CHANNELS = ["branch", "paper_form", "call_centre", "internet_banking", "mobile_app"]


def prepare() -> None:
    """Customers for the import (once) and no previously imported consents."""
    from django.db import connection
    from django.utils import timezone

    from consents.demo import seed_catalogue
    from core.actors import Actor
    from subjects.models import DataSubject

    seed_catalogue(Actor.system("bench"))
    wanted = max(SIZES)
    have = DataSubject.objects.filter(external_ref__startswith="I").count()
    now = timezone.now()
    born = now.date().replace(year=1980)
    subjects_copy((f"I{i:09d}" for i in range(have + 1, wanted + 1)), date_of_birth=born)
    with connection.cursor() as cursor:
        imported = "SELECT id FROM consents_consent WHERE import_key IS NOT NULL"
        cursor.execute(f"DELETE FROM consents_consentstate WHERE consent_id IN ({imported})")  # noqa: S608
        cursor.execute(f"DELETE FROM consents_consentevent WHERE consent_id IN ({imported})")  # noqa: S608
        cursor.execute("DELETE FROM consents_consent WHERE import_key IS NOT NULL")
        cursor.execute("ANALYZE")


def write_csv(rows: int, purpose: str) -> Path:
    from datetime import date, timedelta

    granted = (
        date.today() - timedelta(days=7)
    ).isoformat()  # after the bench catalogue's notices took effect
    path = Path(tempfile.gettempdir()) / f"qdl_bench_consents_{rows}_{purpose}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(
            [
                "subject",
                "purpose",
                "notice_version",
                "channel",
                "evidence",
                "granted_at",
                "guardian",
                "sensitive_acknowledged",
            ]
        )
        for i in range(1, rows + 1):
            subject = f"X{i:09d}" if i % 100 == 0 else f"I{i:09d}"  # 1 % unknown customers
            writer.writerow(
                [
                    subject,
                    purpose,
                    "2026-01",
                    CHANNELS[i % len(CHANNELS)],
                    f"scan/{i:07d}.pdf",
                    granted,
                    "",
                    "",
                ]
            )
    return path


def child(path: str) -> None:
    """Run one import in this fresh process and print its figures as JSON."""
    setup_django(ENV)
    from consents.services import consents_import_csv
    from core.actors import Actor

    started = time.monotonic()
    with open(path, encoding="utf-8", newline="") as lines:
        run = consents_import_csv(actor=Actor.system("bench.import"), lines=lines, filename=Path(path).name)
    print(
        json.dumps(
            {
                "seconds": time.monotonic() - started,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rows": run.rows,
                "imported": run.imported,
                "already_imported": run.already_imported,
                "refused": run.refused,
            }
        )
    )


def run_child(path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    prepare()
    # A different purpose per size, so each file imports into customers without a live consent to it.
    purposes = ["marketing", "analytics", "customer-support", "group-sharing"]
    results = []
    for size, purpose in zip(SIZES, purposes, strict=False):
        path = write_csv(size, purpose)
        results.append((f"{size:,} rows ({path.stat().st_size / 1e6:.1f} MB)", run_child(path)))
    results.append((f"{SIZES[-1]:,} rows again (re-run)", run_child(path)))
    print(f"\nCSV import on PostgreSQL, batches of 2,000 rows, {os.cpu_count()} CPUs")
    print(
        f"{'file':<30} {'seconds':>8} {'rows/s':>8} {'peak MB':>8} {'imported':>9} "
        f"{'skipped':>8} {'refused':>8}"
    )
    for name, r in results:
        print(
            f"{name:<30} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8.0f} {r['peak_mb']:>8.1f} "
            f"{r['imported']:>9} {r['already_imported']:>8} {r['refused']:>8}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
