"""Benchmark: the monthly consent report (`consents.selectors.report`) over 36 months of history,
without and with the indexes its period reads need, side by side in one run.

Set-up: the PostgreSQL database `<prefix>_report` (created and migrated here, bench/common.py) with the
demo catalogue's consent purposes, 20 more recipients, and 1,000,000 consents given over the last 36
months through 4 channels (so about 1,900,000 events): 5% refused, 20% withdrawn (each withdrawal
owes stops to 3 of the 20 recipients, 90% acknowledged), 10% expired, 45% superseded, the rest in
force. Each consent writes its grant (or refusal) event and, when it ended, the event that ended it.
Rows are written with COPY (bench/common.py), events in time order as they arrive.

The history tables are partitioned by month on PostgreSQL (docs/deployment.md, "Partitions"): the
last 24 months have their partitions, as the nightly job creates them for a platform in use that long;
the 12 months before sit in the default partition, as a history imported when the platform was
installed does. A local month starts at 17:00 UTC of the previous month's last day, so its report
reads two monthly partitions.

Each phase (`BENCH_INDEXES`, "without,with" by default) first drops or creates the report's indexes
(`consent_event_at`; `consent_withdrawn_at`, `consent_voided_at`, `consent_in_force`, as the models
declare them), ANALYZEs (and VACUUMs the consents), prints the
EXPLAIN (ANALYZE, BUFFERS) of the report's grouped queries (captured from the selector itself, so
they are the queries it runs) for last month, then times, BENCH_CALLS times after 2 warm-up calls,
p50/p99 of: the selector, the API (`GET /api/v1/reports/consents/?month=`, token of a DPO) and the
portal page, for last month (its rows in monthly partitions) and for a month 30 months back (its
rows in the default partition). The database is left with the indexes created.

    python bench/consent_report.py    # BENCH_CONSENTS=1000000 BENCH_CALLS=20 BENCH_INDEXES=without,with
"""

from __future__ import annotations

import os
import random
import time
import uuid
from datetime import date, timedelta

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

ENV = bench_env("report")
CONSENTS = sized(1_000_000, 600, env="BENCH_CONSENTS")
CALLS = sized(20, 2, env="BENCH_CALLS")
PHASES = os.environ.get("BENCH_INDEXES", "without,with").split(",")
MONTHS = 36
IMPORTED_MONTHS = 12  # the oldest months: imported at installation, in the default partition
RECIPIENTS = 20
STOPS_PER_WITHDRAWAL = 3
CHANNELS = ["branch", "mobile_app", "internet_banking", "call_centre"]
# (share of consents, how they ended): the rest are still in force.
ENDINGS = [(0.05, "refused"), (0.20, "withdrawn"), (0.10, "expired"), (0.45, "superseded")]
QUERIES = {"consents_consentevent": "events", "consents_withdrawalduty": "stops"}
INDEXES = {
    "consentevent": ("consent_event_at",),
    "consent": ("consent_withdrawn_at", "consent_voided_at", "consent_in_force"),
}


def _ending(rng) -> str:
    draw = rng.random()
    for share, ending in ENDINGS:
        if draw < share:
            return ending
        draw -= share
    return "granted"


def seed() -> None:
    from django.db import connection
    from django.utils import timezone

    from consents.demo import seed_catalogue
    from consents.models import Consent, ConsentEvent, Purpose, Recipient, WithdrawalDuty
    from core.actors import Actor
    from core.partitions import month_start, partitions_ensure

    if Consent.objects.count() >= CONSENTS:
        return
    started = time.monotonic()
    now = timezone.now()
    tables_truncate(
        "consents_withdrawaldutystatuschange", "consents_withdrawalduty", "consents_consentevent",
        "consents_consentstate", "consents_consent", "core_datasubject",
    )
    seed_catalogue(Actor.system("bench"))
    # The months the platform has run: their partitions exist before any row of theirs arrives.
    partitions_ensure(connection, today=month_start(now.date(), IMPORTED_MONTHS - MONTHS),
                      months_ahead=MONTHS - IMPORTED_MONTHS + 3)
    purposes = list(Purpose.objects.filter(legal_basis="consent").order_by("code"))
    notices = {p.pk: p.notices.order_by("-effective_at").first().pk for p in purposes}
    if Recipient.objects.filter(name__startswith="Bench partner").count() < RECIPIENTS:
        copy_rows(Recipient, ({"name": f"Bench partner {n}"} for n in range(RECIPIENTS)),
                  constants={"kind": "partner"})
    recipients = list(Recipient.objects.filter(name__startswith="Bench partner").values_list("pk", flat=True))
    subject_count = -(-CONSENTS // len(purposes))  # one consent per customer and purpose at most
    subject_ids = subjects_copy(f"R{n:09d}" for n in range(subject_count))
    rng = random.Random(17)
    history = MONTHS * 30 * 24 * 3600
    consents, events, duties = [], [], []
    for n in range(CONSENTS):
        consent_id, subject_id = uuid.uuid4(), subject_ids[n % subject_count]
        granted = now - timedelta(seconds=rng.randint(3600, history))
        channel, ending = rng.choice(CHANNELS), _ending(rng)
        ended = granted if ending == "refused" else granted + (now - granted) * rng.random()
        row = {"id": consent_id, "subject_id": subject_id, "purpose_id": purposes[n // subject_count].pk,
               "notice_id": notices[purposes[n // subject_count].pk],
               "channel": channel, "granted_at": granted, "status": ending,
               "ended_at": None if ending == "granted" else ended, "withdrawn_at": None,
               "withdrawal_channel": ""}
        answer = "refused" if ending == "refused" else "granted"
        events.append((granted, consent_id, subject_id, answer, channel))
        if ending in ("withdrawn", "expired", "superseded"):
            events.append((ended, consent_id, subject_id, ending, channel if ending == "withdrawn" else ""))
        if ending == "withdrawn":
            row.update(withdrawn_at=ended, withdrawal_channel=channel)
            for recipient in rng.sample(recipients, STOPS_PER_WITHDRAWAL):
                acknowledged = ended + timedelta(hours=rng.uniform(1, 100))
                done = rng.random() < 0.9 and acknowledged < now
                duties.append({"consent_id": consent_id, "subject_id": subject_id, "recipient_id": recipient,
                               "received_at": ended, "due_at": ended + timedelta(hours=72),
                               "status": "acknowledged" if done else "open",
                               "acknowledged_at": acknowledged if done else None})
        consents.append(row)
    copy_rows(Consent, consents, constants={"recorded_by_kind": "system", "recorded_by_label": "bench"})
    events.sort(key=lambda event: event[0])
    copy_rows(ConsentEvent, ({"at": at, "consent_id": consent, "subject_id": subject, "kind": kind,
                              "channel": channel} for at, consent, subject, kind, channel in events),
              constants={"actor_kind": "system", "actor_label": "bench"})
    copy_rows(WithdrawalDuty, duties, constants={"kind": "withdrawal"})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {subject_count:,} customers, {len(purposes)} purposes, {CONSENTS:,} consents, "
          f"{len(events):,} events, {len(duties):,} stops in {time.monotonic() - started:.1f} s")


def indexes_set(present: bool) -> None:
    """Create or drop the report's indexes as the models declare them (on the partitioned events table
    CREATE INDEX builds one per partition), then ANALYZE the two tables."""
    from django.db import connection

    from consents.models import Consent, ConsentEvent

    with connection.schema_editor(atomic=False) as editor:
        for model in (ConsentEvent, Consent):
            for index in model._meta.indexes:
                if index.name in INDEXES[model._meta.model_name]:
                    editor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
                    if present:
                        editor.add_index(model, index)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consents_consentevent")
        # VACUUM as well: an index-only scan (the consents in force) reads the table for every page the
        # visibility map does not vouch for, which no freshly written page is.
        cursor.execute("VACUUM ANALYZE consents_consent")


def explain(first: date) -> None:
    """The plan of each grouped query the report runs for the month starting on `first`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consents.selectors.report import consent_report_month

    with CaptureQueriesContext(connection) as captured:
        consent_report_month(first)
    for query in captured.captured_queries:
        if "GROUP BY" not in query["sql"]:
            continue
        what = next((label for table, label in QUERIES.items() if table in query["sql"]), "consents in force")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
        print(f"  plan of the grouped query of the {what}:\n    " + "\n    ".join(plan))


def timed(label: str, call) -> None:
    for _ in range(2):
        call()
    samples = []
    for _ in range(CALLS):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    print(f"  {label:40s} {percentiles(samples)}")


def clients():
    """An API client with a DPO's token, and a portal client signed in (second factor passed) as them."""
    from django.test import Client
    from rest_framework.test import APIClient

    from core.roles import Role
    from tests.factories import mark_session_otp_verified

    user, key = user_with_token("bench-dpo", role=Role.DPO, scopes=["reports:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    page = Client()
    page.force_login(user)
    mark_session_otp_verified(page, user)
    return api, page


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    seed()
    from django.db import connection
    from django.utils import timezone

    from consents.selectors.report import consent_report_month
    from core.partitions import month_start

    api, page = clients()
    this_month = timezone.localdate().replace(day=1)
    months = {"last month": month_start(this_month, -1), "30 months back": month_start(this_month, -30)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM consents_consentevent_default")
        in_default = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM consents_consentevent")
        events = cursor.fetchone()[0]
    print(f"{events:,} events, {in_default:,} of them in the default partition; {CALLS} calls each")
    for phase in PHASES:
        indexes_set(phase == "with")
        print(f"\n-- {phase} the indexes {', '.join(name for names in INDEXES.values() for name in names)}")
        explain(months["last month"])
        for label, first in months.items():
            month = f"{first:%Y-%m}"
            report = consent_report_month(first)
            totals, stops = report["totals"], report["recipient_totals"]["sent"]
            print(f"  {label} ({month}): {totals['granted']:,} granted, {totals['withdrawn']:,} withdrawn, "
                  f"{stops:,} stops")
            timed(f"{label}: selector", lambda first=first: consent_report_month(first))
            for name, client, url in (
                ("API", api, "/api/v1/reports/consents/"),
                ("page", page, "/portal/reports/consents/"),
            ):
                def call(client=client, url=url, month=month):
                    response = client.get(url, {"month": month})
                    assert response.status_code == 200, response.content[:500]

                timed(f"{label}: {name}", call)


if __name__ == "__main__":
    main()
