"""Benchmark: the staff queue's API list of overdue and due-soon requests over 1,000,000 requests.

Set-up: PostgreSQL database `qdl_bench_dsr` (created and migrated here) with 20,000 customers and
1,000,000 requests, 5% open (spread from 10 days overdue to 20 days ahead), the rest closed. Rows are
written with COPY and reuse one ciphertext per encrypted column (the list decrypts them but shows
none). Calls go through Django's test client with an API token, as a privacy officer, 50 times per
query after 5 warm-up calls, and print p50/p99. The plan of the main query is printed too, to show
the partial index `dsr_open_by_due` at work.

    /tmp/venv/bin/python bench/dsr_queue.py        # BENCH_REQUESTS=1000000 BENCH_CALLS=50
"""

from __future__ import annotations

import os
import random
import time
import uuid
from datetime import timedelta

from dsr_common import ensure_database, percentiles, setup_django

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000000"))
SUBJECTS = int(os.environ.get("BENCH_SUBJECTS", "20000"))
CALLS = int(os.environ.get("BENCH_CALLS", "50"))
OPEN_SHARE = 0.05
TYPES = ["access", "copy", "rectify", "delete", "restrict", "object", "withdraw", "complaint"]
OPEN = ["received", "verifying_identity", "in_progress", "awaiting_customer"]
CLOSED = ["completed", "completed", "completed", "partially_completed", "rejected", "cancelled"]


def seed() -> None:
    from django.db import connection
    from django.utils import timezone

    from dsr.models import DataSubjectRequest
    from subjects.crypto import blind_index
    from subjects.models import DataSubject

    if DataSubjectRequest.objects.count() >= REQUESTS:
        return
    started = time.monotonic()
    now = timezone.now()
    enc_subject = {
        f.name: f.get_prep_value(v)
        for f, v in (
            (DataSubject._meta.get_field("full_name"), "Khách hàng thử"),
            (DataSubject._meta.get_field("national_id"), ""),
            (DataSubject._meta.get_field("passport_number"), ""),
            (DataSubject._meta.get_field("phone"), ""),
            (DataSubject._meta.get_field("email"), ""),
            (DataSubject._meta.get_field("address"), ""),
            (DataSubject._meta.get_field("date_of_birth"), None),
        )
    }
    empty_text = DataSubjectRequest._meta.get_field("details").get_prep_value("")
    empty_char = DataSubjectRequest._meta.get_field("identity_reference").get_prep_value("")
    subject_ids = [uuid.uuid4() for _ in range(SUBJECTS)]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dsr_requeststatuschange, dsr_requestclockevent, dsr_fulfilmenttask, "
            "dsr_requestexport, dsr_deletionrecord, dsr_legalhold, dsr_datasubjectrequest CASCADE"
        )
        raw = cursor.cursor
        with raw.copy(
            "COPY core_datasubject (id, external_ref, full_name, national_id, national_id_index, "
            "passport_number, date_of_birth, phone, phone_index, email, email_index, address, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for n, pk in enumerate(subject_ids):
                copy.write_row(
                    (
                        pk,
                        f"BENCH{n:08d}",
                        enc_subject["full_name"],
                        enc_subject["national_id"],
                        blind_index(f"{n:012d}"),
                        enc_subject["passport_number"],
                        enc_subject["date_of_birth"],
                        enc_subject["phone"],
                        "",
                        enc_subject["email"],
                        "",
                        enc_subject["address"],
                        now,
                        now,
                    )
                )
        rng = random.Random(7)
        with raw.copy(
            "COPY dsr_datasubjectrequest (id, subject_id, type, status, channel, details, corrections, "
            "purposes, processor_involved, received_at, acknowledged_at, due_at, acknowledge_by, "
            "statutory_due_at, statutory_regime, pausable, paused_seconds, identity_method, "
            "identity_reference, identity_verified_at, outcome_reason, outcome_note, closed_at, "
            "updated_at) FROM STDIN"
        ) as copy:
            for n in range(REQUESTS):
                is_open = n % round(1 / OPEN_SHARE) == 0
                if is_open:
                    due = now + timedelta(minutes=rng.randint(-10 * 24 * 60, 20 * 24 * 60))
                    status = rng.choice(OPEN)
                else:
                    due = now - timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
                    status = rng.choice(CLOSED)
                received = due - timedelta(hours=72)
                verified = (
                    received + timedelta(hours=2)
                    if status in ("in_progress", "completed", "partially_completed")
                    else None
                )
                reason = "aml_retention" if status in ("rejected", "partially_completed") else ""
                copy.write_row(
                    (
                        uuid.uuid4(),
                        subject_ids[n % SUBJECTS],
                        rng.choice(TYPES),
                        status,
                        "branch",
                        empty_text,
                        empty_text,
                        "[]",
                        False,
                        received,
                        received + timedelta(hours=1),
                        due,
                        received + timedelta(days=2),
                        received + timedelta(days=10),
                        "vn_law91",
                        True,
                        0,
                        "branch_documents" if verified else "",
                        empty_char,
                        verified,
                        reason,
                        empty_text,
                        None if is_open else due - timedelta(hours=1),
                        received,
                    )
                )
        cursor.execute("ANALYZE core_datasubject")
        cursor.execute("ANALYZE dsr_datasubjectrequest")
    print(f"seeded {SUBJECTS:,} customers and {REQUESTS:,} requests in {time.monotonic() - started:.1f} s")


def main() -> None:
    ensure_database()
    setup_django()
    seed()
    from django.db import connection
    from rest_framework.test import APIClient

    from accounts.services import user_create
    from core.actors import Actor
    from core.roles import Role
    from dsr.models import DataSubjectRequest
    from dsr.selectors import DUE_SOON, request_queue
    from integrations.services import token_issue

    actor = Actor.system("bench")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="bench-privacy").first() or user_create(
        actor=actor, username="bench-privacy", password=uuid.uuid4().hex, role=Role.PRIVACY
    )
    _token, key = token_issue(actor=actor, user=user, scopes=["requests:read"])
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


if __name__ == "__main__":
    main()
