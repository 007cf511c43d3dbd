"""Mixed load against the real stack: 90% consent checks, 8% grants and withdrawals, 2% requests.

Set-up (all private to this script): the PostgreSQL database `<prefix>_load` (created and migrated here,
bench/common.py), a redis-server of its own on 127.0.0.1:6393 (broker and cache), gunicorn on
127.0.0.1:8144 (`--workers` processes x 4 threads, gthread). The bench seeds `--subjects` customers
through the real services (once), gives each client process its own slice of them so it always knows
whether a grant or a withdrawal is the valid next move, and runs a closed loop for `--seconds`. It
reports throughput, p50/p99 per operation and every error, then runs `manage.py verify_audit`.

    python bench/load_mixed.py                 # 5 minutes
    python bench/load_mixed.py --seconds 30    # a quick run

It never touches the platform's own database or the shared Redis."""

from __future__ import annotations

import argparse
import http.client
import io
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, bench_env, ensure_database, setup_django, sized

REDIS_PORT = 6393
HTTP_PORT = 8144
PURPOSE_COUNT = 3
ENV = bench_env("load", REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0")


def seed(subjects: int) -> dict:
    """Customers B000000001.. with the first purpose granted to every second one; a client token."""
    setup_django(ENV)
    from django.contrib.auth import get_user_model

    from accounts.services import user_create
    from consents import services as consent_services
    from consents.demo import seed_catalogue
    from consents.models import Purpose
    from core.actors import Actor
    from core.roles import Role
    from integrations.services import token_issue
    from subjects import services as subject_services
    from subjects.models import DataSubject

    actor = Actor.system("bench")
    seed_catalogue(actor)
    purposes = [
        p
        for p in Purpose.objects.filter(legal_basis="consent", sensitive=False, active=True).order_by("code")
    ][:PURPOSE_COUNT]
    user = get_user_model().objects.filter(username="bench-load-client").first() or user_create(
        actor=actor, username="bench-load-client", password=uuid.uuid4().hex, role=Role.CLIENT
    )
    _token, key = token_issue(
        actor=actor, user=user, scopes=["consents:read", "consents:write", "requests:read", "requests:write"]
    )
    existing = DataSubject.objects.filter(external_ref__startswith="L").count()
    for i in range(existing + 1, subjects + 1):
        # eKYC-verified adults: without a date of birth, marketing would be refused as age unknown.
        subject = subject_services.subject_create(
            actor=actor, external_ref=f"L{i:09d}", full_name="Khách Tải Thử", adult_verified=True
        )
        if i % 2 == 0:
            purpose = purposes[0]
            consent_services.consent_grant(
                actor=actor,
                request=consent_services.GrantRequest(
                    subject=subject,
                    purpose=purpose,
                    channel="branch",
                    evidence=f"bench-form-{i}",
                    notice_version=purpose.notices.order_by("-effective_at").first().version,
                ),
            )
    # Where each customer stands now (a rerun starts from the previous run's state).
    from consents.models import Consent

    live = {
        f"{ref}|{code}"
        for ref, code in Consent.objects.filter(
            status="granted", subject__external_ref__startswith="L"
        ).values_list("subject__external_ref", "purpose__code")
    }
    versions = {p.code: p.notices.order_by("-effective_at").first().version for p in purposes}
    return {"token": key, "purposes": versions, "live": sorted(live), "subjects": subjects}


def start_gunicorn(workers: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{HTTP_PORT}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--preload",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("gunicorn did not come up; see " + str(log))


def client(index: int, clients: int, seconds: float, plan: dict, results) -> None:
    """One closed-loop client on its own slice of customers: it knows each one's consent state."""
    rng = random.Random(index)
    refs = [f"L{i:09d}" for i in range(1, plan["subjects"] + 1) if i % clients == index]
    codes = list(plan["purposes"])
    live = set(plan["live"])
    headers = {"Authorization": f"Token {plan['token']}", "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=30)
    samples: dict[str, list[float]] = {"check": [], "grant": [], "withdraw": [], "request": []}
    errors: list[str] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ref, code = rng.choice(refs), rng.choice(codes)
        roll = rng.random()
        if roll < 0.90:
            op, method, path, body, ok = (
                "check",
                "GET",
                f"/api/v1/consent-check/?subject={ref}&purpose={code}",
                None,
                200,
            )
        elif roll < 0.98 and f"{ref}|{code}" in live:
            op, method, path, ok = "withdraw", "POST", "/api/v1/consents/withdraw/", 200
            body = {"subject": ref, "purposes": [code], "channel": "api", "reason": "bench"}
        elif roll < 0.98:
            op, method, path, ok = "grant", "POST", "/api/v1/consents/", 201
            body = {
                "subject": ref,
                "purpose": code,
                "notice_version": plan["purposes"][code],
                "channel": "api",
                # The app's session the customer agreed in: a self-service consent's proof.
                "session": f"bench-session-{ref}",
            }
        else:
            op, method, path, ok = "request", "POST", "/api/v1/requests/", 201
            body = {"subject": ref, "type": "access", "channel": "api"}
        started = time.perf_counter()
        try:
            connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            errors.append(f"{op}: {type(error).__name__}")
            continue
        samples[op].append(time.perf_counter() - started)
        if status != ok:
            errors.append(f"{op}: HTTP {status} {payload[:120]!r}")
        elif op == "grant":
            live.add(f"{ref}|{code}")
        elif op == "withdraw":
            live.discard(f"{ref}|{code}")
    results.put((samples, errors))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else 0.0


def verify_audit() -> tuple[str, int]:
    """`manage.py verify_audit` in this process (set up by `seed`): its report and exit status."""
    from django.core.management import CommandError, call_command

    report = io.StringIO()
    try:
        call_command("verify_audit", stdout=report)
    except CommandError as error:
        return str(error), 1
    return report.getvalue(), 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=sized(300, 2))
    parser.add_argument(
        "--clients", type=int, default=sized(8, 2), help="client processes (closed loop each)"
    )
    parser.add_argument("--workers", type=int, default=sized(3, 1), help="gunicorn worker processes")
    parser.add_argument("--subjects", type=int, default=sized(2000, 10))
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # the Redis server of its own is the reliability tests'
    from tests.reliability.servers import PrivateRedis

    scratch = Path(tempfile.mkdtemp(prefix="qdl-bench-load-"))
    redis = PrivateRedis(scratch, port=REDIS_PORT)
    redis.start()
    gunicorn = None
    try:
        ensure_database(ENV)
        plan = seed(args.subjects)
        gunicorn = start_gunicorn(args.workers, scratch / "gunicorn.log")
        results = multiprocessing.get_context("fork").Queue()
        processes = [
            multiprocessing.get_context("fork").Process(
                target=client, args=(i, args.clients, args.seconds, plan, results)
            )
            for i in range(args.clients)
        ]
        started = time.monotonic()
        for process in processes:
            process.start()
        collected = [results.get(timeout=args.seconds + 120) for _ in processes]
        elapsed = time.monotonic() - started
        for process in processes:
            process.join()
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        redis.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    samples: dict[str, list[float]] = {}
    errors: list[str] = []
    for client_samples, client_errors in collected:
        for op, values in client_samples.items():
            samples.setdefault(op, []).extend(values)
        errors.extend(client_errors)
    total = sum(len(v) for v in samples.values())
    print(
        f"mixed load: {args.seconds:.0f}s, {args.clients} clients, gunicorn {args.workers}x4 threads, "
        f"{args.subjects} customers, {os.cpu_count()} CPUs"
    )
    print(f"{'operation':<10}{'count':>9}{'share':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for op in ("check", "grant", "withdraw", "request"):
        values = samples.get(op, [])
        print(
            f"{op:<10}{len(values):>9}{len(values) / max(total, 1):>8.1%}{len(values) / elapsed:>9.1f}"
            f"{percentile(values, 0.50):>9.1f}{percentile(values, 0.99):>9.1f}"
        )
    print(f"{'all':<10}{total:>9}{'':>8}{total / elapsed:>9.1f}")
    print(f"errors: {len(errors)}")
    for line in sorted(set(errors))[:20]:
        print("  ", line)
    verified, status = verify_audit()
    print("verify_audit:", verified.strip().splitlines()[-1:], "exit", status)
    sys.exit(1 if errors or status else 0)


if __name__ == "__main__":
    main()
