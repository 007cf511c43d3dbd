"""The benchmarks' own PostgreSQL databases: created when missing, migrated to the current schema.

Never the `qdl` database the platform itself uses.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_and_migrate(name: str, env: dict) -> None:
    exists = subprocess.run(
        ["su", "postgres", "-c", f"psql -tAc \"SELECT 1 FROM pg_database WHERE datname='{name}'\""],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["su", "postgres", "-c", f"createdb -O qdl {name}"], check=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
