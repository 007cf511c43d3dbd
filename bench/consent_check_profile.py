"""Benchmark: where one consent check's time goes, in microseconds per request, layer by layer.

Set-up: the same database as bench/consent_check.py (`<prefix>_consents`, seeded by its `seed()`).
The requests go through Django's WSGI handler in this process, as gunicorn would hand them over, with
no network and no server, so the table shows the platform's own cost: the middleware stack, DRF's
authentication, permission and throttle checks, the rest of the view machinery, the query, and the
rendering of the answer. The trivial `/bench/ping` view is measured the same way beside it.

    python bench/consent_check_profile.py     # BENCH_PROFILE_REQUESTS=5000 (100 in smoke runs)
"""

from __future__ import annotations

import functools
import random
import sys
import time
from collections import defaultdict
from io import BytesIO

from common import ensure_database, setup_django, sized
from consent_check import ENV, SUBJECTS, seed

REQUESTS = sized(5_000, 100, env="BENCH_PROFILE_REQUESTS")
spent: dict[str, int] = defaultdict(int)


def timed(owner, name: str, bucket: str) -> None:
    """Replace `owner.name` by a wrapper adding its wall time to `spent[bucket]`."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        began = time.perf_counter_ns()
        try:
            return original(*args, **kwargs)
        finally:
            spent[bucket] += time.perf_counter_ns() - began

    setattr(owner, name, wrapper)


def environ(path: str, query: str, token: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8101",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8101",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "HTTP_ACCEPT": "application/json",
        "wsgi.input": BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


def measure(handler, token: str, path: str, queries: list[str]) -> dict[str, float]:
    spent.clear()
    statuses = defaultdict(int)

    def start_response(status, headers, exc_info=None):
        statuses[status.split()[0]] += 1

    began = time.perf_counter_ns()
    for query in queries:
        body = handler(environ(path, query, token), start_response)
        b"".join(body)
        body.close()
    total = time.perf_counter_ns() - began
    assert set(statuses) == {"200"}, dict(statuses)
    per_request = {bucket: ns / len(queries) / 1000 for bucket, ns in spent.items()}
    per_request["total"] = total / len(queries) / 1000
    return per_request


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    token = seed()

    from django.core.handlers.wsgi import WSGIHandler
    from django.template.response import SimpleTemplateResponse
    from rest_framework.views import APIView

    from consents import selectors

    timed(APIView, "dispatch", "dispatch")
    timed(APIView, "initial", "auth")
    timed(selectors, "consent_check", "query")
    timed(SimpleTemplateResponse, "render", "render")

    handler = WSGIHandler()
    rng = random.Random(7)
    purposes = [
        "marketing",
        "customer-support",
        "group-sharing",
        "partner-bancassurance",
        "analytics",
        "biometric-auth",
        "cross-border-head-office",
        "kyc-aml",
        "banking-services",
        "credit-bureau",
    ]
    checks = [
        f"subject=B{rng.randint(1, SUBJECTS):09d}&purpose={rng.choice(purposes)}" for _ in range(REQUESTS)
    ]
    measure(handler, token, "/api/v1/consent-check/", checks[: max(50, REQUESTS // 10)])  # warm up
    measure(handler, token, "/bench/ping", [""] * 50)
    check = measure(handler, token, "/api/v1/consent-check/", checks)
    ping = measure(handler, token, "/bench/ping", [""] * REQUESTS)

    rows = [
        (
            "middleware (the stack, both ways)",
            check["total"] - check["dispatch"] - check["render"],
            ping["total"] - ping.get("render", 0),
        ),
        ("DRF authentication, permission, throttles", check["auth"], 0.0),
        (
            "view machinery (DRF request, handler, finalize)",
            check["dispatch"] - check["auth"] - check["query"],
            0.0,
        ),
        ("query (consent_check: one prepared SQL)", check["query"], 0.0),
        ("rendering the JSON answer", check["render"], ping.get("render", 0)),
        ("total per request", check["total"], ping["total"]),
    ]
    print(
        f"\nper request, in-process WSGI, {REQUESTS:,} requests each ({SUBJECTS:,} customers x 10 purposes)"
    )
    print(f"| {'layer':<50} | consent-check µs | trivial view µs |")
    print(f"| {'-' * 50} | ---------------: | --------------: |")
    for name, check_us, ping_us in rows:
        print(f"| {name:<50} | {check_us:16.0f} | {ping_us:15.0f} |")


if __name__ == "__main__":
    main()
