"""Benchmark: the consent check against a trivial endpoint, served the same way in the same run.

Set-up: PostgreSQL database `qdl_bench_consents` (created and migrated here) seeded with 100,000
customers x 10 purposes (eight consent-based, about two thirds consented, a tenth of those
withdrawn, 1,000 customers under a restriction), Redis db 5, and gunicorn on 127.0.0.1:8101 started
with config/gunicorn.conf.py (as scripts/run starts it). `wrk` with 32 connections measures
`/bench/ping` (a view returning a constant JSON), `/healthz` and `/api/v1/consent-check/` (a random
customer and purpose per call), three ways: saturated (closed loop: requests per second), paced (each
client calling at a steady rate, BENCH_PACED_RATE in total: the latency core banking sees), and with
one connection (service time). Last, the ceiling: a bare WSGI function served the same way.

    /tmp/venv/bin/python bench/consent_check.py
    # optional: BENCH_SECONDS=15 BENCH_WORKERS BENCH_THREADS BENCH_PACED_RATE=640

Seeding writes rows with COPY and reuses one ciphertext per encrypted column (the check decrypts
nothing, so the values do not matter).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from consent_common import ENV, ROOT, ensure_database, setup_django

SUBJECTS = int(os.environ.get("BENCH_SUBJECTS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
# The production defaults of config/gunicorn.conf.py unless overridden here.
WORKERS = int(os.environ.get("BENCH_WORKERS", (os.cpu_count() or 1) + 1))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CONNECTIONS = 32
PACED_RATE = float(os.environ.get("BENCH_PACED_RATE", "640"))  # total requests per second, all clients
PORT = 8101
HERE = Path(__file__).resolve().parent


def seed() -> str:
    """Seed once (skipped when already there) and return a fresh API token for the bench client."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from accounts.services import user_create
    from consents.demo import seed_catalogue
    from consents.models import Purpose
    from consents.scope import consent_snapshot
    from core.actors import Actor
    from core.roles import Role
    from integrations.services import token_issue
    from subjects.models import DataSubject

    actor = Actor.system("bench")
    seed_catalogue(actor)
    User = get_user_model()
    client = User.objects.filter(username="bench-client").first() or user_create(
        actor=actor, username="bench-client", password=uuid.uuid4().hex, role=Role.CLIENT
    )
    _token, key = token_issue(actor=actor, user=client, scopes=["consents:read"])
    if DataSubject.objects.count() >= SUBJECTS:
        return key

    started = time.monotonic()
    now = timezone.now()

    def cipher(field: str, value):
        return DataSubject._meta.get_field(field).get_db_prep_save(value, connection)

    name_c, dob_c = cipher("full_name", "Khách Hàng Thử"), cipher("date_of_birth", date(1985, 5, 5))
    blank = cipher("phone", "")
    # No citizen ID: one shared ciphertext must not sit beside per-row blind indexes (the start-up
    # key check compares them), and the check never reads it.
    nid_cs = cipher("national_id", "")
    subject_ids = [uuid.uuid4() for _ in range(SUBJECTS)]
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY core_datasubject (id, external_ref, full_name, national_id, national_id_index, "
            "passport_number, date_of_birth, phone, phone_index, email, email_index, address, guardian_id, "
            "guardian_verified_at, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for i, subject_id in enumerate(subject_ids, start=1):
            copy.write_row(
                (
                    subject_id,
                    f"B{i:09d}",
                    name_c,
                    nid_cs,
                    "",
                    blank,
                    dob_c,
                    blank,
                    "",
                    blank,
                    "",
                    blank,
                    None,
                    None,
                    now,
                    now,
                )
            )
    consent_purposes = [p for p in Purpose.objects.order_by("code") if p.legal_basis == "consent"]
    notices = {p.pk: p.notices.order_by("-effective_at").first() for p in consent_purposes}
    # What each grant froze for its receipt: the same for every customer of a purpose.
    snapshots = {p.pk: json.dumps(consent_snapshot(p, notices[p.pk])) for p in consent_purposes}
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
                (
                    consent_id,
                    subject_id,
                    purpose.pk,
                    notices[purpose.pk].pk,
                    None,
                    status,
                    "branch",
                    "bench",
                    purpose.sensitive,
                    "system",
                    None,
                    "bench",
                    granted_at,
                    None,
                    withdrawn_at if withdrawn else None,
                    withdrawn_at if withdrawn else None,
                    "branch" if withdrawn else "",
                    None,
                    now,
                    "",
                    "",
                    False,
                    "",
                    snapshots[purpose.pk],
                )
            )
            state_rows.append((subject_id, purpose.pk, consent_id, status, notices[purpose.pk].pk, None, now))
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY consents_consent (id, subject_id, purpose_id, notice_id, guardian_id, status, channel, "
            "evidence, sensitive_acknowledged, recorded_by_kind, recorded_by_user_id, recorded_by_label, "
            "granted_at, expires_at, ended_at, withdrawn_at, withdrawal_channel, import_key, created_at, "
            "session_ref, device, child_agreed, child_evidence, snapshot) FROM STDIN"
        ) as copy:
            for row in consent_rows:
                copy.write_row(row)
        with cursor.copy(
            "COPY consents_consentstate (subject_id, purpose_id, consent_id, status, notice_id, "
            "expires_at, updated_at) FROM STDIN"
        ) as copy:
            for row in state_rows:
                copy.write_row(row)
        with cursor.copy(
            "COPY consents_processingrestriction (id, subject_id, purpose_id, kind, source, reason, "
            "started_at, lifted_at, applied_by_label) FROM STDIN"
        ) as copy:
            for i in range(0, SUBJECTS, SUBJECTS // 1000):
                copy.write_row(
                    (
                        uuid.uuid4(),
                        subject_ids[i],
                        None,
                        "restrict" if i % 2 else "object",
                        f"bench:{i}",
                        "",
                        now,
                        None,
                        "bench",
                    )
                )
        cursor.execute("ANALYZE")
    print(
        f"seeded {SUBJECTS:,} customers, {len(consent_rows):,} consents and states "
        f"in {time.monotonic() - started:.1f} s"
    )
    return key


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


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
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def _table(title: str, results: dict) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(f"{name:<30} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8}")


def main() -> None:
    ensure_database()
    setup_django()
    token = seed()
    targets = {
        "trivial /bench/ping": ("/bench/ping", "paced.lua"),
        "/healthz (DB + Redis ping)": ("/healthz", "paced.lua"),
        "consent-check": ("/api/v1/consent-check/", "consent_check.lua"),
    }
    pause_ms = CONNECTIONS * 1000 / PACED_RATE
    with served("config.wsgi", PORT, "/bench/ping"):
        for path, script in targets.values():  # warm every worker's connections and caches
            run_wrk(path, token=token, seconds=3, script=script)
        saturated = {
            name: run_wrk(path, token=token, seconds=SECONDS, script=script)
            for name, (path, script) in targets.items()
        }
        # 32 clients each calling at a steady pace, as core banking does: latency without a queue of
        # 31 others in front of every request.
        paced = {
            name: run_wrk(path, token=token, seconds=SECONDS, script=script, pause_ms=pause_ms)
            for name, (path, script) in targets.items()
        }
        single = {
            name: run_wrk(path, token=token, seconds=5, script=script, connections=1)
            for name, (path, script) in targets.items()
        }
    # What this machine and gunicorn can do at all: a WSGI function returning a constant, no Django.
    with served("bench.bare_wsgi:application", PORT + 1, "/"):
        run_wrk("/", token=token, seconds=3, port=PORT + 1)
        ceiling = {"bare WSGI, no Django": run_wrk("/", token=token, seconds=SECONDS, port=PORT + 1)}

    print(
        f"\ngunicorn (config/gunicorn.conf.py) gthread {WORKERS} workers x {THREADS} threads; "
        f"{SUBJECTS:,} customers x 10 purposes on PostgreSQL + Redis; {os.cpu_count()} CPUs shared with wrk"
    )
    _table(f"saturated: wrk closed loop, {CONNECTIONS} connections, {SECONDS} s each", saturated)
    _table(f"paced: {CONNECTIONS} connections, random pauses of {pause_ms:.0f} ms on average", paced)
    _table("1 connection (service time, no queueing)", single)
    _table(f"ceiling of this machine: {CONNECTIONS} connections, closed loop", ceiling)
    check, trivial = saturated["consent-check"], saturated["trivial /bench/ping"]
    paced_check = paced["consent-check"]
    ratio = check["rps"] / trivial["rps"]
    print(f"\nsaturated consent-check / trivial throughput: {ratio:.2f} (target >= 0.50)")
    print(
        f"consent-check p99: saturated {check['p99']:.2f} ms; paced at {paced_check['rps']:.0f} req/s "
        f"{paced_check['p99']:.2f} ms (target < 20 ms)"
    )
    print(
        f"Little's law: {CONNECTIONS} clients in a closed loop wait {CONNECTIONS / check['rps'] * 1e3:.1f} "
        "ms "
        f"on average at {check['rps']:.0f} req/s; a p99 under 20 ms at saturation needs more than "
        f"{CONNECTIONS / 0.020:.0f} req/s."
    )

if __name__ == "__main__":
    main()
