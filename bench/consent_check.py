"""Benchmark: the consent check against a trivial endpoint, served the same way in the same run.

Set-up: the PostgreSQL database `<prefix>_consents` (created and migrated here, bench/common.py) seeded
with 100,000 customers x 10 purposes (eight consent-based, about two thirds consented, a tenth of those
withdrawn, one customer in a hundred under a restriction), Redis (BENCH_REDIS_URL), and gunicorn on
127.0.0.1:8101 started with config/gunicorn.conf.py (as scripts/run starts it). `wrk` with 32
connections measures `/bench/ping` (a view returning a constant JSON), `/healthz` and
`/api/v1/consent-check/` (a random customer and purpose per call), three ways: saturated (closed loop:
requests per second), paced (each client calling at a steady rate, BENCH_PACED_RATE in total: the
latency core banking sees), and with one connection (service time). Last, the ceiling: a bare WSGI
function served the same way, with 32 connections and with one.

    python bench/consent_check.py      # or through bench/run.py; see bench/common.py for the database
    # optional: BENCH_SUBJECTS=100000 BENCH_SECONDS=15 BENCH_WORKERS BENCH_THREADS BENCH_PACED_RATE=640

Seeding writes rows with COPY (bench/common.py, `copy_rows`) and reuses one ciphertext per encrypted
column (the check decrypts nothing, so the values do not matter). Needs `wrk` (Debian's package)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from common import (
    HERE,
    ROOT,
    SMOKE,
    bench_env,
    copy_rows,
    ensure_database,
    setup_django,
    sized,
    subjects_copy,
    user_with_token,
)

ENV = bench_env("consents", settings="bench.consent_settings")
SUBJECTS = sized(100_000, 200, env="BENCH_SUBJECTS")
SECONDS = sized(15, 1, env="BENCH_SECONDS")
WARM_SECONDS = sized(3, 0)  # smoke runs measure nothing: no warm-up
SINGLE_SECONDS = sized(5, 1)
# The production defaults of config/gunicorn.conf.py unless overridden here; one worker in smoke runs
# (it starts in half the time of three).
WORKERS = int(os.environ.get("BENCH_WORKERS", sized((os.cpu_count() or 1) + 1, 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CONNECTIONS = 32
PACED_RATE = float(os.environ.get("BENCH_PACED_RATE", "640"))  # total requests per second, all clients
PORT = 8101
# Issue #16's targets, measured against the trivial view served the same way in the same run.
TARGET_RATIO = 0.6
TARGET_PACED_P99_MS = 10.0
TARGET_SINGLE_P50_MS = 1.2


def seed() -> str:
    """Seed once (skipped when already there) and return a fresh API token for the bench client."""
    from django.db import connection
    from django.utils import timezone

    from consents.demo import seed_catalogue
    from consents.models import Consent, ConsentState, ProcessingRestriction, Purpose
    from core.actors import Actor
    from core.roles import Role
    from subjects.models import DataSubject

    seed_catalogue(Actor.system("bench"))
    _client, key = user_with_token("bench-client", role=Role.CLIENT, scopes=["consents:read"])
    if DataSubject.objects.filter(external_ref__startswith="B").count() >= SUBJECTS:
        return key

    started = time.monotonic()
    now = timezone.now()
    # No citizen ID (a blank, as an ORM insert of no value stores): one shared ciphertext must not sit
    # beside per-row blind indexes (the start-up key check compares them), and the check never reads it.
    subject_ids = subjects_copy((f"B{i:09d}" for i in range(1, SUBJECTS + 1)), date_of_birth=date(1985, 5, 5))
    consent_purposes = [p for p in Purpose.objects.order_by("code") if p.legal_basis == "consent"]
    notices = {p.pk: p.notices.order_by("-effective_at").first().pk for p in consent_purposes}
    granted_at = now - timedelta(days=30)
    withdrawn_at = now - timedelta(days=3)
    consent_rows, state_rows = [], []
    for i, subject_id in enumerate(subject_ids, start=1):
        for j, purpose in enumerate(consent_purposes):
            if (i + j) % 3 == 0:
                continue
            consent_id = uuid.uuid4()
            withdrawn = (i * 7 + j) % 10 == 0
            status = "withdrawn" if withdrawn else "granted"
            consent_rows.append(
                {
                    "id": consent_id,
                    "subject_id": subject_id,
                    "purpose_id": purpose.pk,
                    "notice_id": notices[purpose.pk],
                    "status": status,
                    "sensitive_acknowledged": purpose.sensitive,
                    "ended_at": withdrawn_at if withdrawn else None,
                    "withdrawn_at": withdrawn_at if withdrawn else None,
                    "withdrawal_channel": "branch" if withdrawn else "",
                }
            )
            state_rows.append(
                {
                    "subject_id": subject_id,
                    "purpose_id": purpose.pk,
                    "consent_id": consent_id,
                    "status": status,
                    "notice_id": notices[purpose.pk],
                }
            )
    recorded = {"recorded_by_kind": "system", "recorded_by_label": "bench"}
    copy_rows(
        Consent,
        consent_rows,
        constants={"channel": "branch", "evidence": "bench", "granted_at": granted_at, **recorded},
    )
    copy_rows(ConsentState, state_rows, constants={"updated_at": now})
    copy_rows(
        ProcessingRestriction,
        (
            {"subject_id": subject_ids[i], "kind": "restrict" if i % 2 else "object", "source": f"bench:{i}"}
            for i in range(0, SUBJECTS, max(1, SUBJECTS // 1000))
        ),
        constants={"started_at": now, "applied_by_label": "bench"},
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {SUBJECTS:,} customers, {len(consent_rows):,} consents and states "
        f"in {time.monotonic() - started:.1f} s"
    )
    return key


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _share(part: float, whole: float) -> float:
    """A smoke run on a loaded machine may finish no request in its one second: nan, not a crash."""
    return part / whole if whole else float("nan")


def run_wrk(
    path: str,
    *,
    token: str,
    seconds: int,
    script: str = "paced.lua",
    connections: int = CONNECTIONS,
    port: int = PORT,
    pause_ms: float = 0.0,
) -> dict:
    """wrk against one path: closed loop, or each connection pausing `pause_ms` on average between calls."""
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Token {token}",
        "-s",
        str(HERE / script),
        f"http://127.0.0.1:{port}{path}",
    ]
    env = {
        **os.environ,
        "BENCH_TOKEN": token,
        "BENCH_SUBJECTS": str(SUBJECTS),
        "BENCH_PAUSE_MS": str(pause_ms),
    }
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    latencies = dict(re.findall(r"\b(50|99)%\s+([\d.]+(?:us|ms|s))", output))
    if "50" not in latencies or "99" not in latencies:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(latencies["50"]),
        "p99": _ms(latencies["99"]),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


@contextmanager
def served(app: str, port: int, probe: str):
    """`app` under gunicorn exactly as scripts/run and a bank's servers run it: config/gunicorn.conf.py."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "config/gunicorn.conf.py",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**ENV, "WEB_WORKERS": str(WORKERS), "WEB_THREADS": str(THREADS)},
    )
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(targets: dict[str, tuple[str, str]], *, token: str, **options) -> dict:
    """wrk against each target (path, script) in turn, with `options` (run_wrk's). Smoke runs call all
    of them at once, a third of the time: their figures mean nothing, they show every path answers."""
    with ThreadPoolExecutor(max_workers=len(targets) if SMOKE else 1) as pool:
        results = pool.map(
            lambda target: run_wrk(target[0], token=token, script=target[1], **options), targets.values()
        )
        return dict(zip(targets, results, strict=True))


def _table(title: str, results: dict) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(f"{name:<30} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8}")


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    token = seed()
    targets = {
        "trivial /bench/ping": ("/bench/ping", "paced.lua"),
        "/healthz (DB + Redis ping)": ("/healthz", "paced.lua"),
        "consent-check": ("/api/v1/consent-check/", "consent_check.lua"),
    }
    pause_ms = CONNECTIONS * 1000 / PACED_RATE
    with served("config.wsgi", PORT, "/bench/ping"):
        if WARM_SECONDS:  # warm every worker's connections and caches
            measure(targets, token=token, seconds=WARM_SECONDS)
        saturated = measure(targets, token=token, seconds=SECONDS)
        # 32 clients each calling at a steady pace, as core banking does: latency without a queue of
        # 31 others in front of every request.
        paced = measure(targets, token=token, seconds=SECONDS, pause_ms=pause_ms)
        single = measure(targets, token=token, seconds=SINGLE_SECONDS, connections=1)
    # What this machine and gunicorn can do at all: a WSGI function returning a constant, no Django.
    with served("bench.bare_wsgi:application", PORT + 1, "/"):
        if WARM_SECONDS:
            run_wrk("/", token=token, seconds=WARM_SECONDS, port=PORT + 1)
        ceiling = {
            f"{CONNECTIONS} connections, closed loop": run_wrk(
                "/", token=token, seconds=SECONDS, port=PORT + 1
            ),
            # The service time of gunicorn and the network alone: what no view can go below.
            "1 connection": run_wrk("/", token=token, seconds=SINGLE_SECONDS, connections=1, port=PORT + 1),
        }

    print(
        f"\ngunicorn (config/gunicorn.conf.py) gthread {WORKERS} workers x {THREADS} threads; "
        f"{SUBJECTS:,} customers x 10 purposes on PostgreSQL + Redis; {os.cpu_count()} CPUs shared with wrk"
    )
    _table(f"saturated: wrk closed loop, {CONNECTIONS} connections, {SECONDS} s each", saturated)
    _table(f"paced: {CONNECTIONS} connections, random pauses of {pause_ms:.0f} ms on average", paced)
    _table("1 connection (service time, no queueing)", single)
    _table("ceiling of this machine: a bare WSGI function, no Django, under the same gunicorn", ceiling)
    check, trivial = saturated["consent-check"], saturated["trivial /bench/ping"]
    paced_check = paced["consent-check"]
    ratio = _share(check["rps"], trivial["rps"])
    single_check, single_trivial = single["consent-check"], single["trivial /bench/ping"]
    print(f"\nsaturated consent-check / trivial throughput: {ratio:.2f} (target >= {TARGET_RATIO})")
    print(
        f"consent-check paced at {paced_check['rps']:.0f} req/s (asked {PACED_RATE:.0f}): "
        f"p99 {paced_check['p99']:.2f} ms (target < {TARGET_PACED_P99_MS:g} ms)"
    )
    print(
        f"consent-check on one connection: p50 {single_check['p50']:.2f} ms "
        f"(target < {TARGET_SINGLE_P50_MS} ms; the trivial view: {single_trivial['p50']:.2f} ms, "
        f"bare WSGI: {ceiling['1 connection']['p50']:.2f} ms)"
    )
    print(
        f"Little's law: {CONNECTIONS} clients in a closed loop wait "
        f"{_share(CONNECTIONS, check['rps']) * 1e3:.1f} ms on average at {check['rps']:.0f} req/s "
        f"(saturated p99 {check['p99']:.2f} ms)."
    )


if __name__ == "__main__":
    main()
