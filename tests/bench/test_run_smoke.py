"""bench/run.py, the runner CI calls as `bench/run.py --smoke`: smoke runs go two benchmarks at a time,
each in databases of its own, each one's output printed whole; full runs go one at a time; a failed
benchmark fails the run."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

# Each fake benchmark says it started, then waits (up to 10 s) until two have started.
MEETS_ANOTHER = """
import sys, time
from pathlib import Path

here, name = Path(sys.argv[0]).parent, Path(sys.argv[0]).stem
(here / f"{name}.started").touch()
deadline = time.monotonic() + 10
while len(list(here.glob("*.started"))) < 2:
    if time.monotonic() > deadline:
        sys.exit(3)
    time.sleep(0.02)
print(f"{name} first line", flush=True)
time.sleep(0.1)
print(f"{name} last line", flush=True)
if __name__ == "__main__":
    sys.exit(1 if name == "broken" else 0)
"""

# Each fake benchmark notes when it starts and ends, in one shared file.
LOGS_ITS_SPAN = """
import sys, time
from pathlib import Path

here, name = Path(sys.argv[0]).parent, Path(sys.argv[0]).stem
with (here / "spans").open("a") as spans:
    spans.write(f"start {name}\\n")
time.sleep(0.2)
with (here / "spans").open("a") as spans:
    spans.write(f"end {name}\\n")
if __name__ == "__main__":
    pass
"""


@pytest.fixture
def bench_modules(monkeypatch):
    """bench/run.py and bench/common.py, imported as the runner imports them (bench/ on the path)."""
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.delenv("BENCH_SMOKE", raising=False)
    monkeypatch.delenv("BENCH_TEMPLATE", raising=False)
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://bench:bench@localhost:5432/postgres")
    monkeypatch.delenv("BENCH_DB_PREFIX", raising=False)
    for name in ("run", "common"):
        sys.modules.pop(name, None)
    yield importlib.import_module("run"), importlib.import_module("common")
    for name in ("run", "common"):
        sys.modules.pop(name, None)


def benchmarks_in(directory: Path, monkeypatch, run, source: str, names: list[str]) -> None:
    for name in names:
        (directory / f"{name}.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(run, "HERE", directory)


def test_smoke_runs_go_two_at_a_time_and_print_each_output_whole(tmp_path, monkeypatch, capfd, bench_modules):
    run, _common = bench_modules
    benchmarks_in(tmp_path, monkeypatch, run, MEETS_ANOTHER, ["alpha", "broken"])
    results = run.run_benchmarks(["alpha", "broken"], {}, jobs=run.SMOKE_JOBS)
    assert [(name, status) for name, status, _seconds in results] == [("alpha", 0), ("broken", 1)]
    output = capfd.readouterr().out
    for name in ("alpha", "broken"):
        assert f"== {name}\n{name} first line\n{name} last line\n" in output


def test_a_failed_benchmark_fails_the_run(tmp_path, monkeypatch, capfd, bench_modules):
    run, _common = bench_modules
    benchmarks_in(tmp_path, monkeypatch, run, MEETS_ANOTHER, ["alpha", "broken"])
    monkeypatch.setattr(sys, "argv", ["run.py", "--jobs", "2"])
    assert run.main() == 1
    assert "broken                   FAILED (exit 1)" in capfd.readouterr().out


def test_full_runs_go_one_at_a_time(tmp_path, monkeypatch, bench_modules):
    run, _common = bench_modules
    benchmarks_in(tmp_path, monkeypatch, run, LOGS_ITS_SPAN, ["alpha", "beta"])
    monkeypatch.setattr(sys, "argv", ["run.py"])
    assert run.main() == 0
    spans = (tmp_path / "spans").read_text().split("\n")
    assert spans == ["start alpha", "end alpha", "start beta", "end beta", ""]


def test_in_smoke_runs_benchmarks_sharing_a_database_each_copy_it_apart(monkeypatch, bench_modules):
    """consent_check and consent_import both work in `consents`: side by side, each drops and copies
    its database afresh, so one would drop the other's under it."""
    _run, common = bench_modules
    monkeypatch.setenv("BENCH_TEMPLATE", "qdl_bench_smoke_template")
    urls = set()
    for benchmark in ("consent_check", "consent_import"):
        monkeypatch.setenv("BENCH_NAME", benchmark)
        urls.add(common.bench_env("consents")["DATABASE_URL"])
    assert len(urls) == 2
    monkeypatch.delenv("BENCH_TEMPLATE")  # a full run: the one database the two share
    assert common.bench_env("consents")["DATABASE_URL"].endswith("/qdl_bench_consents")


def test_a_benchmark_passes_the_system_checks_with_nothing_of_the_bank_s_set(monkeypatch, bench_modules):
    """A benchmark's `manage.py migrate` runs the system checks, DEMO off, where CI sets none of the bank's
    own settings (`regulator.E001`): its environment carries a stand-in bank of its own, as its keys."""
    _run, common = bench_modules
    for name in [name for name in os.environ if name.startswith("REGULATOR_")] + ["DEMO"]:
        monkeypatch.delenv(name, raising=False)
    checked = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BENCH.parent, env=common.bench_env("check"),
        capture_output=True, text=True,
    )
    assert checked.returncode == 0, checked.stderr
