"""Benchmark: the consent check against a trivial endpoint, served the same way in the same run.

Set-up: PostgreSQL database `qdl_bench_consents` (created and migrated here) seeded with 100,000
customers x 10 purposes (eight consent-based, about two thirds consented, a tenth of those
withdrawn, 1,000 customers under a restriction), Redis db 5, gunicorn on 127.0.0.1:8101, and `wrk`
with 32 connections. Prints requests per second, p50 and p99 for `/bench/ping` (a view returning
a constant JSON), `/healthz` and `/api/v1/consent-check/` with a random customer and purpose.

    /tmp/venv/bin/python bench/consent_check.py            # BENCH_SECONDS=15 BENCH_WORKERS=3 BENCH_THREADS=4

Seeding writes rows with COPY and reuses one ciphertext per encrypted column (the check decrypts
nothing, so the values do not matter).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

from consent_common import ENV, ROOT, ensure_database, setup_django

SUBJECTS = int(os.environ.get("BENCH_SUBJECTS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CONNECTIONS = 32
PORT = 8101
HERE = Path(__file__).resolve().parent


def seed() -> str:
    """Seed once (skipped when already there) and return a fresh API token for the bench client."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from consents.demo import seed_catalogue
    from consents.models import Purpose
    from core import services as core_services
    from core.actors import Actor
    from core.models import DataSubject
    from core.roles import Role

    actor = Actor.system("bench")
    seed_catalogue(actor)
    User = get_user_model()
    client = User.objects.filter(username="bench-client").first() or core_services.user_create(
        username="bench-client", password=uuid.uuid4().hex, role=Role.CLIENT
    )
    _token, key = core_services.token_issue(actor=actor, user=client, scopes=["consents:read"])
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
                (
                    consent_id,
                    subject_id,
                    purpose.pk,
                    notices[purpose.pk],
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
                )
            )
            state_rows.append((subject_id, purpose.pk, consent_id, status, notices[purpose.pk], None, now))
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY consents_consent (id, subject_id, purpose_id, notice_id, guardian_id, status, channel, "
            "evidence, sensitive_acknowledged, recorded_by_kind, recorded_by_user_id, recorded_by_label, "
            "granted_at, expires_at, ended_at, withdrawn_at, withdrawal_channel, import_key, created_at) "
            "FROM STDIN"
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
    path: str, *, token: str, seconds: int, script: str | None = None, connections: int = CONNECTIONS
) -> dict:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Token {token}",
    ]
    if script:
        command += ["-s", str(HERE / script)]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_TOKEN": token, "BENCH_SUBJECTS": str(SUBJECTS)},
        check=True,
    ).stdout
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


def main() -> None:
    ensure_database()
    setup_django()
    token = seed()
    gunicorn = subprocess.Popen(
        [
            str(Path(os.sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(WORKERS),
            "-k",
            "gthread",
            "--threads",
            str(THREADS),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/ping", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        targets = [
            ("trivial /bench/ping", "/bench/ping", None),
            ("/healthz (DB + Redis ping)", "/healthz", None),
            ("consent-check", "/api/v1/consent-check/", "consent_check.lua"),
        ]
        for _name, path, script in targets:  # warm every worker's connections and caches
            run_wrk(path, token=token, seconds=3, script=script)
        results = {
            name: run_wrk(path, token=token, seconds=SECONDS, script=script) for name, path, script in targets
        }
        # The same endpoints with one client: service time without queueing behind 31 others.
        single = {
            name: run_wrk(path, token=token, seconds=5, script=script, connections=1)
            for name, path, script in targets
        }
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    print(
        f"\ngunicorn gthread {WORKERS} workers x {THREADS} threads, wrk 32 connections, {SECONDS} s each, "
        f"{SUBJECTS:,} customers x 10 purposes, PostgreSQL + Redis, {os.cpu_count()} CPUs shared with wrk"
    )
    print(f"{'endpoint':<28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in results.items():
        print(f"{name:<28} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8}")
    print("\nthe same with 1 connection (no queueing):")
    for name, r in single.items():
        print(f"{name:<28} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8}")
    check, trivial = results["consent-check"], results["trivial /bench/ping"]
    print(
        f"\nconsent-check / trivial throughput: {check['rps'] / trivial['rps']:.2f} (target >= 0.50); "
        f"consent-check p99 {check['p99']:.2f} ms (target < 20 ms)"
    )
    healthz = results["/healthz (DB + Redis ping)"]
    print(f"consent-check / healthz throughput: {check['rps'] / healthz['rps']:.2f}")


if __name__ == "__main__":
    main()
