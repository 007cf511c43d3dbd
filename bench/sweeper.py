"""Benchmark: the deadline sweeper over 100,000 and 1,000,000 open requests (first the bank's and
statutory clocks, then the acknowledgement clock), then as many open withdrawal duties, then the
expiry sweep over as many live third-party authorisations; 10,000 of them due each time, to show that
a sweep's time follows the due rows, not all rows.

Set-up: the PostgreSQL database `<prefix>_jobs` (created and migrated here, bench/common.py). For each
size, all requests are open and unassigned (their reminders go to the one privacy officer); 10,000 are
due within the next 24 hours (spread over both reminder windows, 24 h and 6 h), the rest 3 to 60 days
ahead; each statutory deadline is 20 days after the bank's. Rows are written with COPY
(bench/common.py). A run is the sweeper called in batches of 2,000 until a batch is not full, as the
every-minute task re-enqueues itself; it writes 10,000 ledger rows and queues the e-mails listing them
in the outbox (one per person and batch). Then a second run at the same instant finds nothing more to
do. A worker is a long-lived process: before timing, the bench loads the URL map, opens the broker
connection and freezes its start-up objects (config/celery.py) once, as a running worker already has.
The plan of the 24-hour window's query is printed.

    python bench/sweeper.py        # BENCH_SIZES=100000,1000000 BENCH_DUE=10000
    BENCH_SWEEPS=authorisations python bench/sweeper.py   # only some: requests, acknowledgements,
                                                          # duties, authorisations (all by default)
"""

from __future__ import annotations

import os
import random
import time
import uuid
from datetime import timedelta

from common import (
    SMOKE,
    bench_env,
    copy_rows,
    ensure_database,
    setup_django,
    sized,
    subjects_copy,
    tables_truncate,
)

ENV = bench_env("jobs")
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "300" if SMOKE else "100000,1000000").split(",")]
DUE = sized(10_000, 100, env="BENCH_DUE")
SUBJECTS = sized(20_000, 20)
BATCH = 2000  # as the every-minute task (deadlines.clocks.sweep.SWEEP_BATCH, deadlines_sweep's default)


def _due(rng, n: int, now):
    """The first DUE items fall due within the next 24 hours, the rest 3 to 60 days ahead."""
    if n < DUE:
        return now + timedelta(seconds=rng.randint(60, 24 * 3600 - 60))
    return now + timedelta(minutes=rng.randint(3 * 24 * 60, 60 * 24 * 60))


def _truncate() -> list:
    from authorisations.models import Authorisation, AuthorisationEvent, ThirdParty
    from consents.models import Consent, ConsentEvent, Recipient, WithdrawalDuty
    from deadlines.models import DeadlineBreach, DeadlineReminder
    from dsr.models import DataSubjectRequest
    from integrations.models import OutboxMessage
    from subjects.models import DataSubject

    models = (
        DeadlineReminder,
        DeadlineBreach,
        OutboxMessage,
        DataSubjectRequest,
        WithdrawalDuty,
        ConsentEvent,
        Consent,
        Recipient,
        AuthorisationEvent,
        Authorisation,
        ThirdParty,
        DataSubject,
    )
    tables_truncate(*(model._meta.db_table for model in models))
    return subjects_copy(f"BENCH{n:08d}" for n in range(SUBJECTS))


def seed_duties(total: int, now) -> None:
    """`total` open withdrawal duties: 100 recipients each owe one per withdrawn consent."""
    from django.db import connection

    from consents.demo import seed_catalogue
    from consents.models import Consent, Recipient, WithdrawalDuty
    from core.actors import Actor

    started = time.monotonic()
    subject_ids = _truncate()
    purpose = seed_catalogue(Actor.system("bench"))["marketing"]
    notice = purpose.notices.order_by("-effective_at").first()
    copy_rows(Recipient, ({"name": f"Bench partner {n}"} for n in range(100)), constants={"kind": "partner"})
    recipients = list(Recipient.objects.values_list("pk", flat=True))
    consents = [uuid.uuid4() for _ in range(-(-total // len(recipients)))]
    withdrawn = now - timedelta(hours=1)
    copy_rows(
        Consent,
        ({"id": pk, "subject_id": subject_ids[n % SUBJECTS]} for n, pk in enumerate(consents)),
        constants={
            "purpose_id": purpose.pk,
            "notice_id": notice.pk,
            "status": "withdrawn",
            "channel": "branch",
            "recorded_by_kind": "system",
            "recorded_by_label": "bench",
            "granted_at": now - timedelta(days=90),
            "ended_at": withdrawn,
            "withdrawn_at": withdrawn,
            "withdrawal_channel": "branch",
        },
    )
    rng = random.Random(13)
    copy_rows(
        WithdrawalDuty,
        (
            {
                "consent_id": consents[n // len(recipients)],
                "subject_id": subject_ids[(n // len(recipients)) % SUBJECTS],
                "recipient_id": recipients[n % len(recipients)],
                "due_at": _due(rng, n, now),
            }
            for n in range(total)
        ),
        constants={"received_at": withdrawn},
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {WithdrawalDuty._meta.db_table}")
    seconds = time.monotonic() - started
    print(f"  seeded {total:,} open withdrawal duties ({DUE:,} due within 24 h) in {seconds:.1f} s")


def seed_requests(total: int, now, *, clock: str = "due") -> None:
    """`total` open requests, DUE of them due on `clock`: the bank's and statutory deadlines ("due"),
    or the acknowledgement deadline ("acknowledge", with both other deadlines weeks away)."""
    from django.db import connection

    from dsr.models import DataSubjectRequest

    started = time.monotonic()
    subject_ids = _truncate()
    rng = random.Random(11)

    def rows():
        for n in range(total):
            due = _due(rng, n, now)
            if clock == "acknowledge":
                acknowledge_by, due = due, now + timedelta(days=30 + n % 30)
            else:
                acknowledge_by = None
            received = due - timedelta(days=20)
            yield {
                "subject_id": subject_ids[n % SUBJECTS],
                "status": "received" if n % 2 else "verifying_identity",
                "received_at": received,
                "due_at": due,
                "statutory_due_at": due + timedelta(days=20),
                "acknowledge_by": acknowledge_by,
                "updated_at": received,
            }

    constants = {"type": "access", "channel": "branch", "statutory_regime": "vn_law91"}
    copy_rows(DataSubjectRequest, rows(), constants=constants)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_datasubject")
        cursor.execute("ANALYZE dsr_datasubjectrequest")
    print(f"  seeded {total:,} open requests ({DUE:,} due within 24 h) in {time.monotonic() - started:.1f} s")


def seed_acknowledgements(total: int, now) -> None:
    seed_requests(total, now, clock="acknowledge")


THIRD_PARTIES = 50


def seed_authorisations(total: int, now) -> None:
    """`total` live authorisations spread over 50 third parties; the first DUE have reached their end."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from oauth2_provider.models import get_application_model

    from authorisations.models import Authorisation, ThirdParty

    started = time.monotonic()
    subject_ids = _truncate()
    Application = get_application_model()
    Application.objects.filter(name__startswith="bench-").delete()
    customer, _created = get_user_model().objects.get_or_create(username="bench_customer")
    third_parties = [
        ThirdParty.objects.create(
            legal_name=f"Bench fintech {n}",
            tax_code=f"BENCH{n:05d}",
            licence_ref="bench",
            contact_email="tpp@bench.test",
            purpose="bench",
            fetch_type="recurring",
            application=Application.objects.create(
                name=f"bench-{n}",
                client_type="confidential",
                authorization_grant_type="authorization-code",
                redirect_uris="https://tpp.bench.test/cb",
                hash_client_secret=False,  # PBKDF2 is seconds each
            ),
        ).pk
        for n in range(THIRD_PARTIES)
    ]

    def rows():
        for n in range(total):
            ends = now - timedelta(minutes=1 + n % 600) if n < DUE else now + timedelta(days=1 + n % 89)
            yield {
                "subject_id": subject_ids[(n // THIRD_PARTIES) % SUBJECTS],
                "third_party_id": third_parties[n % THIRD_PARTIES],
                "expires_at": ends,
            }

    copy_rows(
        Authorisation,
        rows(),
        constants={
            "user_id": customer.pk,
            "scopes": ["accounts:read"],
            "purpose": "bench",
            "fetch_type": "recurring",
            "frequency_per_day": 4,
            "channel": "web",
            "status": "active",
            "starts_at": now - timedelta(days=90),
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Authorisation._meta.db_table}")
    seconds = time.monotonic() - started
    print(f"  seeded {total:,} live authorisations ({DUE:,} past their end) in {seconds:.1f} s")


def privacy_officer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _created = get_user_model().objects.get_or_create(
        username="bench_privacy", defaults={"email": "privacy@bank.test"}
    )
    user.groups.add(Group.objects.get(name="privacy_officer"))


def warm_up() -> None:
    from django.urls import get_resolver

    from config.celery import freeze_startup_objects
    from integrations.tasks import dispatch_due_outbox

    get_resolver().url_patterns  # noqa: B018 - imports every URL module, as in a running worker
    dispatch_due_outbox.delay()  # opens the broker connection (the sweep queues this task too)
    freeze_startup_objects()  # as each worker process does once started


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


def expire_until_done(now) -> tuple[float, int, int]:
    from authorisations.services.clocks import authorisations_expire_due

    started, runs, expired = time.monotonic(), 0, 0
    while True:
        done = authorisations_expire_due(now=now, limit=BATCH)
        runs += 1
        expired += done
        if done < BATCH:
            break
    return time.monotonic() - started, runs, expired


def plan(now) -> str:
    from deadlines.clocks import clock_sources, reminders_due

    source = next(source for source in clock_sources() if source.name == "dsr.request")
    query = reminders_due(source, "due", hours=24, lower=6, now=now)
    return query.values("clock_item_id")[:BATCH].explain(analyze=True)


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    from django.utils import timezone

    from authorisations.models import Authorisation
    from deadlines.models import DeadlineReminder
    from integrations.models import OutboxMessage

    privacy_officer()
    warm_up()
    figures = []
    scenarios = {
        "requests": (seed_requests, "requests (bank and statutory clocks)", sweep_until_done),
        "acknowledgements": (seed_acknowledgements, "requests (acknowledgement clock)", sweep_until_done),
        "duties": (seed_duties, "withdrawal duties", sweep_until_done),
        "authorisations": (seed_authorisations, "authorisations (expiry)", expire_until_done),
    }
    chosen = os.environ.get("BENCH_SWEEPS", ",".join(scenarios)).split(",")
    for seed, what, sweep in (scenarios[name] for name in chosen):
        for total in SIZES:
            print(f"{total:,} open {what}:")
            now = timezone.now()
            seed(total, now)
            elapsed, runs, done = sweep(now)
            idle, _runs, again = sweep(now)
            if sweep is sweep_until_done:
                counts = (done, DeadlineReminder.objects.count(), again)
            else:
                counts = (done, Authorisation.objects.filter(status="expired").count(), again)
            assert counts == (DUE, DUE, 0), counts
            emails = OutboxMessage.objects.count()
            print(
                f"  sweep: {done:,} {'reminders' if sweep is sweep_until_done else 'expiries'} in "
                f"{elapsed:.2f} s ({runs} batches of {BATCH}, {emails} outbox messages); "
                f"next sweep with nothing due: {idle * 1000:.0f} ms"
            )
            figures.append((what, total, elapsed, idle))
            if seed is seed_requests and total == SIZES[-1]:
                print("  plan of the 24-hour window's query, after the run:")
                print("    " + plan(now).replace("\n", "\n    "))
    print("summary (seconds to handle every due item):")
    for what, total, elapsed, idle in figures:
        print(
            f"  {what:<38} {total:>9,} open, {DUE:,} due: sweep {elapsed:.2f} s, "
            f"idle sweep {idle * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
