"""Shared set-up for the request benchmarks: their own PostgreSQL database (`qdl_bench_dsr`), migrated.

Run from the project root with the venv's Python. Never touches the `qdl` database.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

from postgres import create_and_migrate

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DB", "qdl_bench_dsr")
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://qdl:qdl@localhost/{BENCH_DB}",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://localhost:6379/6"),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    # A benchmark measures capacity from a handful of tokens: the per-token budget must not cap it.
    "API_THROTTLE_TOKEN": "10000000/min",
}


def ensure_database() -> None:
    """Create the bench database when missing and bring its schema up to date."""
    create_and_migrate(BENCH_DB, ENV)


def setup_django() -> None:
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    return f"p50 {median:.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms (n={len(ordered)})"
