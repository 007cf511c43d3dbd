"""Run every benchmark under bench/, one after another, each in a process of its own, with its figures.

    python bench/run.py --smoke              # tiny data, a minute or so on a quiet machine: what CI runs
    python bench/run.py                      # full sizes: long; run it once, on a quiet machine
    python bench/run.py sweeper audit_verify # only these

A benchmark is every bench/*.py that runs as a script (it has `if __name__ == "__main__":`) except
the ones in NOT_BENCHMARKS, so a new benchmark is run (and kept from rotting) without touching this
file. In smoke mode one database is migrated from scratch and each benchmark works on a fresh copy
of it (BENCH_TEMPLATE, bench/common.py): a benchmark whose seeding no longer fits the schema fails
here, in CI, the day the schema changes. The smoke databases are dropped at the end. Exit status 1
when any benchmark failed. The database server and Redis are set as bench/common.py says.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from common import HERE, ROOT, admin, bench_env, database_create, database_drop, database_url, migrate, prefix

NOT_BENCHMARKS = {
    "run": "this runner",
    "fuzz_api": "a long fuzzing run, not a measurement; the suite runs its bounded form",
}


def benchmarks() -> list[str]:
    return sorted(
        path.stem
        for path in HERE.glob("*.py")
        if path.stem not in NOT_BENCHMARKS
        and 'if __name__ == "__main__":' in path.read_text(encoding="utf-8")
    )


def smoke_databases() -> list[str]:
    pattern = prefix(smoke=True).replace("_", r"\_") + r"\_%"
    return [row[0] for row in admin("SELECT datname FROM pg_database WHERE datname LIKE %s", pattern)]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data and short runs (CI)")
    parser.add_argument("names", nargs="*", help="only these benchmarks (file names without .py)")
    args = parser.parse_args()
    names = args.names or benchmarks()
    unknown = set(names) - set(benchmarks())
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(benchmarks())})")

    env = dict(os.environ)
    started = time.monotonic()
    if args.smoke:
        template = f"{prefix(smoke=True)}_template"
        for database in smoke_databases():
            database_drop(database)
        database_create(template)
        migrate({**bench_env("template"), "DATABASE_URL": database_url(template)})
        env.update(BENCH_SMOKE="1", BENCH_TEMPLATE=template)
        print(f"== smoke: {template} migrated in {time.monotonic() - started:.1f} s", flush=True)

    results = []
    try:
        for name in names:
            print(f"\n== {name}", flush=True)
            begun = time.monotonic()
            status = subprocess.run([sys.executable, str(HERE / f"{name}.py")], cwd=ROOT, env=env).returncode
            results.append((name, status, time.monotonic() - begun))
    finally:
        if args.smoke:
            for database in smoke_databases():
                database_drop(database)

    print(f"\n== {'smoke run' if args.smoke else 'run'} of {len(results)} benchmarks, {os.cpu_count()} CPUs")
    for name, status, seconds in results:
        print(f"{name:<24} {'ok' if status == 0 else f'FAILED (exit {status})':<18} {seconds:>7.1f} s")
    print(f"{'total':<24} {'':<18} {time.monotonic() - started:>7.1f} s")
    print("skipped: " + "; ".join(f"{name} ({why})" for name, why in NOT_BENCHMARKS.items() if name != "run"))
    return 0 if all(status == 0 for _name, status, _seconds in results) else 1


if __name__ == "__main__":
    sys.exit(main())
