"""Run every benchmark under bench/, each in a process of its own, with its figures.

    python bench/run.py --smoke              # tiny data, under a minute on a quiet machine: what CI runs
    python bench/run.py                      # full sizes: long; run it once, on a quiet machine
    python bench/run.py sweeper audit_verify # only these

A benchmark is every bench/*.py that runs as a script (it has `if __name__ == "__main__":`) except
the ones in NOT_BENCHMARKS, so a new benchmark is run (and kept from rotting) without touching this
file. In smoke mode one database is migrated from scratch and each benchmark works on fresh copies
of it of its own (BENCH_TEMPLATE, bench/common.py): a benchmark whose seeding no longer fits the
schema fails here, in CI, the day the schema changes. Smoke runs measure nothing, so they run two
benchmarks side by side (`--jobs`), each one's output printed whole when it ends; full runs go one
after another, since a benchmark beside another would measure both. The smoke databases are dropped
at the end. Exit status 1 when any benchmark failed. The database server and Redis are set as
bench/common.py says.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from common import HERE, ROOT, admin, bench_env, database_create, database_drop, database_url, migrate, prefix

# Two CPUs in CI: a third benchmark beside two would only wait for a CPU.
SMOKE_JOBS = 2
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


# Side by side, a benchmark's output is printed whole when it ends, never between another's lines.
_printing = threading.Lock()


def run_benchmark(name: str, env: Mapping[str, str], *, alone: bool) -> tuple[str, int, float]:
    """Run bench/<name>.py; returns its name, exit status and wall time. `alone`: its output streams."""
    command = [sys.executable, str(HERE / f"{name}.py")]
    env = {**env, "BENCH_NAME": name}
    begun = time.monotonic()
    if alone:
        print(f"\n== {name}", flush=True)
        status = subprocess.run(command, cwd=ROOT, env=env).returncode
    else:
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        status = done.returncode
        with _printing:
            print(f"\n== {name}", flush=True)
            sys.stdout.buffer.write(done.stdout)
            sys.stdout.flush()
    return name, status, time.monotonic() - begun


def run_benchmarks(names: list[str], env: Mapping[str, str], *, jobs: int) -> list[tuple[str, int, float]]:
    """Each benchmark in `names`, `jobs` at a time, in the order given; their results in that order."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda name: run_benchmark(name, env, alone=jobs == 1), names))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny data and short runs (CI)")
    parser.add_argument(
        "--jobs", type=int, help="benchmarks run side by side (smoke runs: 2 by default; full runs: 1)"
    )
    parser.add_argument("names", nargs="*", help="only these benchmarks (file names without .py)")
    args = parser.parse_args()
    names = args.names or benchmarks()
    unknown = set(names) - set(benchmarks())
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(benchmarks())})")
    jobs = args.jobs or (SMOKE_JOBS if args.smoke else 1)

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

    try:
        results = run_benchmarks(names, env, jobs=jobs)
    finally:
        if args.smoke:
            for database in smoke_databases():
                database_drop(database)

    side_by_side = f", {jobs} at a time" if jobs > 1 else ""
    print(
        f"\n== {'smoke run' if args.smoke else 'run'} of {len(results)} benchmarks{side_by_side}, "
        f"{os.cpu_count()} CPUs"
    )
    for name, status, seconds in results:
        print(f"{name:<24} {'ok' if status == 0 else f'FAILED (exit {status})':<18} {seconds:>7.1f} s")
    print(f"{'total':<24} {'':<18} {time.monotonic() - started:>7.1f} s")
    print("skipped: " + "; ".join(f"{name} ({why})" for name, why in NOT_BENCHMARKS.items() if name != "run"))
    return 0 if all(status == 0 for _name, status, _seconds in results) else 1


if __name__ == "__main__":
    sys.exit(main())
