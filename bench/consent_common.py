"""Shared set-up for the consent benchmarks: their own PostgreSQL database, migrated, on Redis db 5.

Run from the project root with the venv's Python. Never touches the `qdl` database.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from postgres import create_and_migrate

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DB", "qdl_bench_consents")
DB_URL = f"postgres://qdl:qdl@localhost/{BENCH_DB}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://localhost:6379/5")
PYTHON = sys.executable

ENV = {
    **os.environ,
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "DJANGO_SETTINGS_MODULE": "bench.consent_settings",
    "DEBUG": "false",
    # A benchmark measures capacity from a handful of tokens: the per-token budget must not cap it.
    "API_THROTTLE_TOKEN": "10000000/min",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "PYTHONPATH": str(ROOT),
}


def ensure_database() -> None:
    """Create the bench database when missing and bring its schema up to date."""
    create_and_migrate(BENCH_DB, ENV)


def setup_django() -> None:
    os.environ.update({k: v for k, v in ENV.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
