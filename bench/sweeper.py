"""Benchmark: the deadline sweeper over 100,000 and 1,000,000 open requests, 10,000 of them due for a
reminder, to show that its time follows the due rows, not all rows.

Set-up: PostgreSQL database `qdl_bench_jobs` (created and migrated here). For each size, all requests
are open and unassigned (their reminders go to the one privacy officer); 10,000 are due within the
next 24 hours (spread over both reminder windows, 24 h and 6 h), the rest 3 to 60 days ahead; each
statutory deadline is 20 days after the bank's. Rows are written with COPY (as in `dsr_queue.py`).
A run is the sweeper called in batches of 2,000 until a batch is not full, as the every-minute task
re-enqueues itself; it writes 10,000 ledger rows and queues the e-mails listing them in the outbox
(one per person and batch). Then a second run at the same instant finds nothing more to do.
A worker is a long-lived process: before timing, the bench loads the URL map and opens the broker
connection once, as a running worker already has. The plan of the 24-hour window's query is printed.

    /tmp/venv/bin/python bench/sweeper.py        # BENCH_SIZES=100000,1000000 BENCH_DUE=10000
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from datetime import timedelta

os.environ.setdefault("BENCH_DB", "qdl_bench_jobs")
os.environ.setdefault("BENCH_REDIS_URL", "redis://localhost:6379/3")
sys.path.insert(0, os.path.dirname(__file__))

from dsr_common import ensure_database, setup_django  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100000,1000000").split(",")]
DUE = int(os.environ.get("BENCH_DUE", "10000"))
SUBJECTS = 20_000
BATCH = 2000  # as the every-minute task (core.clocks.SWEEP_BATCH, deadlines_sweep's default)


def seed(total: int, now) -> None:
    from django.db import connection

    from dsr.models import DataSubjectRequest
    from subjects.models import DataSubject

    started = time.monotonic()
    enc = {
        name: DataSubject._meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in (
            ("full_name", "Khách hàng thử"),
            ("national_id", ""),
            ("passport_number", ""),
            ("phone", ""),
            ("email", ""),
            ("address", ""),
            ("date_of_birth", None),
        )
    }
    empty_text = DataSubjectRequest._meta.get_field("details").get_db_prep_save("", connection)
    empty_char = DataSubjectRequest._meta.get_field("identity_reference").get_db_prep_save("", connection)
    subject_ids = [uuid.uuid4() for _ in range(SUBJECTS)]
    rng = random.Random(11)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE core_deadlinereminder, core_deadlinebreach, core_outboxmessage, "
            "dsr_datasubjectrequest, core_datasubject CASCADE"
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
                        enc["full_name"],
                        enc["national_id"],
                        "",
                        enc["passport_number"],
                        enc["date_of_birth"],
                        enc["phone"],
                        "",
                        enc["email"],
                        "",
                        enc["address"],
                        now,
                        now,
                    )
                )
        with raw.copy(
            "COPY dsr_datasubjectrequest (id, subject_id, type, status, channel, details, corrections, "
            "purposes, processor_involved, received_at, due_at, statutory_due_at, statutory_regime, "
            "pausable, paused_seconds, identity_method, identity_reference, outcome_reason, outcome_note, "
            "extension_note, updated_at) FROM STDIN"
        ) as copy:
            for n in range(total):
                if n < DUE:
                    due = now + timedelta(seconds=rng.randint(60, 24 * 3600 - 60))
                else:
                    due = now + timedelta(minutes=rng.randint(3 * 24 * 60, 60 * 24 * 60))
                received = due - timedelta(days=20)
                copy.write_row(
                    (
                        uuid.uuid4(),
                        subject_ids[n % SUBJECTS],
                        "access",
                        "received" if n % 2 else "verifying_identity",
                        "branch",
                        empty_text,
                        empty_text,
                        "[]",
                        False,
                        received,
                        due,
                        due + timedelta(days=20),
                        "vn_law91",
                        True,
                        0,
                        "",
                        empty_char,
                        "",
                        empty_text,
                        empty_text,
                        received,
                    )
                )
        cursor.execute("ANALYZE core_datasubject")
        cursor.execute("ANALYZE dsr_datasubjectrequest")
    print(f"  seeded {total:,} open requests ({DUE:,} due within 24 h) in {time.monotonic() - started:.1f} s")


def privacy_officer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _created = get_user_model().objects.get_or_create(
        username="bench_privacy", defaults={"email": "privacy@bank.test"}
    )
    user.groups.add(Group.objects.get(name="privacy_officer"))


def warm_up() -> None:
    from django.urls import get_resolver

    from integrations.tasks import dispatch_due_outbox

    get_resolver().url_patterns  # noqa: B018 - imports every URL module, as in a running worker
    dispatch_due_outbox.delay()  # opens the broker connection (the sweep queues this task too)


def sweep_until_done(now) -> tuple[float, int, int]:
    from deadlines.clocks import deadlines_sweep

    started, runs, reminders = time.monotonic(), 0, 0
    while True:
        result = deadlines_sweep(now=now, limit=BATCH)
        runs += 1
        reminders += result.reminders
        if not result.full:
            break
    return time.monotonic() - started, runs, reminders


def plan(now) -> str:
    from django.db.models import Exists, OuterRef

    from deadlines.models import DeadlineReminder
    from dsr.clock_sources import open_requests

    ledger = DeadlineReminder.objects.filter(
        source="dsr.request",
        clock="due",
        hours_before=24,
        item_id=OuterRef("clock_item_id"),
        due_at=OuterRef("clock_due_at"),
    )
    qs = (
        open_requests("due")
        .filter(
            ~Exists(ledger),
            clock_due_at__gt=now + timedelta(hours=6),
            clock_due_at__lte=now + timedelta(hours=24),
        )
        .order_by("clock_due_at")
        .values("clock_item_id")[:BATCH]
    )
    return qs.explain(analyze=True)


def main() -> None:
    ensure_database()
    setup_django()
    from django.utils import timezone

    from deadlines.models import DeadlineReminder
    from integrations.models import OutboxMessage

    privacy_officer()
    warm_up()
    figures = []
    for total in SIZES:
        print(f"{total:,} open requests:")
        now = timezone.now()
        seed(total, now)
        elapsed, runs, reminders = sweep_until_done(now)
        idle, _runs, again = sweep_until_done(now)
        counts = (reminders, DeadlineReminder.objects.count(), again)
        assert counts == (DUE, DUE, 0), counts
        emails = OutboxMessage.objects.count()
        print(
            f"  sweep: {reminders:,} reminders in {elapsed:.2f} s "
            f"({runs} batches of {BATCH}, {emails} e-mails); "
            f"next sweep with nothing due: {idle * 1000:.0f} ms"
        )
        figures.append((total, elapsed, idle))
        if total == SIZES[-1]:
            print("  plan of the 24-hour window's query, after the run:")
            print("    " + plan(now).replace("\n", "\n    "))
    print("summary:")
    for total, elapsed, idle in figures:
        print(f"  {total:>9,} open, {DUE:,} due: sweep {elapsed:.2f} s, idle sweep {idle * 1000:.0f} ms")


if __name__ == "__main__":
    main()
