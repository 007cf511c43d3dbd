"""Benchmark: the staff queue's API list of overdue and due-soon requests over 1,000,000 requests.

Set-up: the PostgreSQL database `<prefix>_dsr` (created and migrated here, bench/common.py) with 20,000
customers and 1,000,000 requests, 5% open (spread from 10 days overdue to 20 days ahead), the rest
closed. Rows are written with COPY (bench/common.py) and reuse one ciphertext per encrypted column (the
list decrypts them but shows none). Calls go through Django's test client with an API token, as a
privacy officer, 50 times per query after 5 warm-up calls, and print p50/p99. The plan of the main query
is printed too, to show the partial index `dsr_open_by_due` at work. Then the regulator's figures of
last month (`dsr.reports.monthly_figures`): their totals, the plan of their grouped query (the requests
open, closed since the month began or acknowledged in it, through their indexes) and p50/p99 of as many
calls.

    python bench/dsr_queue.py        # BENCH_REQUESTS=1000000 BENCH_CALLS=50
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from common import (
    bench_env,
    copy_rows,
    ensure_database,
    percentiles,
    setup_django,
    sized,
    subjects_copy,
    tables_truncate,
    user_with_token,
)

ENV = bench_env("dsr")
REQUESTS = sized(1_000_000, 400, env="BENCH_REQUESTS")
SUBJECTS = sized(20_000, 40, env="BENCH_SUBJECTS")
CALLS = sized(50, 3, env="BENCH_CALLS")
OPEN_SHARE = 0.05
TYPES = ["access", "copy", "rectify", "delete", "restrict", "object", "withdraw", "complaint"]
OPEN = ["received", "verifying_identity", "in_progress", "awaiting_customer"]
CLOSED = ["completed", "completed", "completed", "partially_completed", "rejected", "cancelled"]


def seed() -> None:
    from django.db import connection
    from django.utils import timezone

    from dsr.models import DataSubjectRequest

    if DataSubjectRequest.objects.count() >= REQUESTS:
        return
    started = time.monotonic()
    now = timezone.now()
    tables_truncate(
        "dsr_requeststatuschange", "dsr_requestclockevent", "dsr_fulfilmenttask", "dsr_requestexport",
        "dsr_deletionrecord", "dsr_legalhold", "dsr_datasubjectrequest",
    )
    subject_ids = subjects_copy(f"BENCH{n:08d}" for n in range(SUBJECTS))
    rng = random.Random(7)

    def rows():
        for n in range(REQUESTS):
            is_open = n % round(1 / OPEN_SHARE) == 0
            if is_open:
                due = now + timedelta(minutes=rng.randint(-10 * 24 * 60, 20 * 24 * 60))
                status = rng.choice(OPEN)
            else:
                due = now - timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
                status = rng.choice(CLOSED)
            received = due - timedelta(hours=72)
            verified = status in ("in_progress", "completed", "partially_completed")
            yield {
                "subject_id": subject_ids[n % SUBJECTS],
                "type": rng.choice(TYPES),
                "status": status,
                "received_at": received,
                "acknowledged_at": received + timedelta(hours=1),
                "due_at": due,
                "acknowledge_by": received + timedelta(days=2),
                "statutory_due_at": received + timedelta(days=10),
                "identity_method": "branch_documents" if verified else "",
                "identity_verified_at": received + timedelta(hours=2) if verified else None,
                "outcome_reason": "aml_retention" if status in ("rejected", "partially_completed") else "",
                "closed_at": None if is_open else due - timedelta(hours=1),
                "updated_at": received,
            }

    copy_rows(DataSubjectRequest, rows(), constants={"channel": "branch", "statutory_regime": "vn_law91"})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_datasubject")
        cursor.execute("ANALYZE dsr_datasubjectrequest")
    print(f"seeded {SUBJECTS:,} customers and {REQUESTS:,} requests in {time.monotonic() - started:.1f} s")


def monthly_figures_timed() -> None:
    """Last month's figures for the regulator: totals, the plan of the one grouped query, timings."""
    from django.db import connection
    from django.utils import timezone

    from deadlines.policy import add_months, local_month
    from dsr.reports import monthly_figures
    from tests.plans import queries_run

    since, until = local_month(add_months(timezone.localdate().replace(day=1), -1))
    totals = monthly_figures(since=since, until=until)["totals"]
    shown = ("open_at_start", "received", "closed", "cancelled", "open_at_end")
    print(f"monthly figures of {since:%Y-%m}: " + ", ".join(f"{name} {totals[name]:,}" for name in shown))
    (sql, params), = queries_run(lambda: monthly_figures(since=since, until=until))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("plan of the monthly figures:\n  " + "\n  ".join(plan))
    samples = []
    for n in range(CALLS + 2):
        started = time.perf_counter()
        monthly_figures(since=since, until=until)
        if n >= 2:  # after 2 warm-up calls
            samples.append((time.perf_counter() - started) * 1000)
    print(f"{'monthly figures of last month':32s} {percentiles(samples)}")


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    seed()
    from django.db import connection
    from rest_framework.test import APIClient

    from core.roles import Role
    from dsr.models import DataSubjectRequest
    from dsr.selectors import DUE_SOON, request_queue

    _user, key = user_with_token("bench-privacy", role=Role.PRIVACY, scopes=["requests:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    total = DataSubjectRequest.objects.count()
    open_count = DataSubjectRequest.objects.filter(status__in=OPEN).count()
    attention = request_queue(overdue=True, due_within=DUE_SOON).count()
    print(f"{total:,} requests, {open_count:,} open, {attention:,} overdue or due within 24 h")
    sql, params = request_queue(overdue=True, due_within=DUE_SOON)[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("plan of the page query:\n  " + "\n  ".join(plan))

    for label, url in (
        ("overdue + due soon (page 1)", "/api/v1/requests/?overdue=true&due_soon=true"),
        ("overdue only", "/api/v1/requests/?overdue=true"),
        ("due soon only", "/api/v1/requests/?due_soon=true"),
        ("overdue + due soon, page 20", "/api/v1/requests/?overdue=true&due_soon=true&offset=950"),
    ):
        for _ in range(5):
            assert client.get(url).status_code == 200
        samples = []
        for _ in range(CALLS):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content
        print(f"{label:32s} {percentiles(samples)}  count={response.json()['count']:,}")
    monthly_figures_timed()


if __name__ == "__main__":
    main()
