"""Benchmark: building a subject's access export with 1,000 consent events and 100 requests.

Set-up: the PostgreSQL database `<prefix>_dsr` (created and migrated here, bench/common.py), one
customer with 500 consents across the demo purposes (each granted then withdrawn: 1,000 consent events),
100 earlier requests with three status changes each, and an access request whose two system tasks
returned data. Times `export_build` (gather, serialise, encrypt, store, audit) 10 times and prints p50
and max, plus the size of the export.

    python bench/dsr_export.py
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

from common import bench_env, ensure_database, percentiles, setup_django, sized

ENV = bench_env("dsr")
CONSENTS = sized(500, 20)
REQUESTS = sized(100, 5)
RUNS = sized(10, 2)


def seed():
    from django.utils import timezone

    from consents.demo import seed_catalogue
    from consents.models import Consent, ConsentEvent
    from consents.scope import consent_snapshot
    from core.actors import Actor
    from dsr.models import DataSubjectRequest, FulfilmentTask, RequestStatusChange, System
    from subjects import services as core_services

    actor = Actor.system("bench")
    now = timezone.now()
    purposes = list(seed_catalogue(actor).values())
    # A new customer each run: national ids are unique, and a full run reuses its database.
    token = uuid.uuid4()
    subject = core_services.subject_create(
        actor=actor,
        external_ref=f"BX{token.hex[:10].upper()}",
        full_name="Trần Văn Đo",
        national_id=f"0010{token.int % 10**8:08d}",
        phone="0912000123",
        email="do.tran@example.vn",
    )
    consents, events = [], []
    for n in range(CONSENTS):
        purpose = purposes[n % len(purposes)]
        granted = now - timedelta(days=400 - n % 300)
        notice = purpose.notices.first()
        consent = Consent(
            subject=subject,
            purpose=purpose,
            notice=notice,
            snapshot=consent_snapshot(purpose, notice),
            status="withdrawn",
            channel="mobile_app",
            recorded_by_kind="system",
            recorded_by_label="bench",
            granted_at=granted,
            ended_at=granted + timedelta(days=10),
            withdrawn_at=granted + timedelta(days=10),
            withdrawal_channel="mobile_app",
        )
        consents.append(consent)
        for kind, at in (("granted", granted), ("withdrawn", granted + timedelta(days=10))):
            events.append(
                ConsentEvent(
                    consent=consent,
                    subject=subject,
                    kind=kind,
                    at=at,
                    channel="mobile_app",
                    actor_kind="system",
                    actor_label="bench",
                )
            )
    Consent.objects.bulk_create(consents)
    ConsentEvent.objects.bulk_create(events)

    def access_request(*, received, status: str, channel: str, closed_at=None) -> DataSubjectRequest:
        """The customer's access request received at `received`, identity checked at once, due 72 hours on."""
        return DataSubjectRequest(
            subject=subject,
            type="access",
            status=status,
            channel=channel,
            received_at=received,
            due_at=received + timedelta(hours=72),
            identity_verified_at=received,
            closed_at=closed_at,
        )

    requests, changes = [], []
    for n in range(REQUESTS):
        received = now - timedelta(days=300 - n)
        request = access_request(
            received=received, status="completed", channel="branch", closed_at=received + timedelta(hours=30)
        )
        requests.append(request)
        for old, new, hours in (
            ("", "received", 0),
            ("received", "verifying_identity", 1),
            ("verifying_identity", "in_progress", 2),
        ):
            changes.append(
                RequestStatusChange(
                    request=request,
                    old_status=old,
                    new_status=new,
                    actor_kind="staff",
                    actor_label="bench",
                    at=received + timedelta(hours=hours),
                )
            )
    current = access_request(received=now, status="in_progress", channel="mobile_app")
    requests.append(current)
    DataSubjectRequest.objects.bulk_create(requests)
    RequestStatusChange.objects.bulk_create(changes)
    for code in ("bench_core", "bench_cards"):
        system, _ = System.objects.get_or_create(
            code=code, defaults={"name_vi": code, "name_en": code, "request_types": ["access"]}
        )
        FulfilmentTask.objects.create(
            request=current,
            system=system,
            status="done",
            created_at=now,
            completed_at=now,
            result=json.dumps(
                {
                    "accounts": [f"00110{n:05d}" for n in range(20)],
                    "transactions_last_year": [{"amount": n * 1000, "on": "2026-01-01"} for n in range(200)],
                }
            ),
        )
    return current


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    from django.db import transaction
    from django.utils import timezone

    from core.actors import Actor
    from dsr.models import RequestExport
    from dsr.services.exports import export_build

    request = seed()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with transaction.atomic():
            export_build(request, actor=Actor.system("bench"), now=timezone.now())
        samples.append((time.perf_counter() - started) * 1000)
    content = json.loads(RequestExport.objects.get(request=request).content)
    print(
        f"export of {len(content['consent_events']):,} consent events, {len(content['requests'])} requests, "
        f"{len(content['systems'])} systems: {len(json.dumps(content)) / 1024:.0f} KiB"
    )
    print(f"export_build                     {percentiles(samples)}")


if __name__ == "__main__":
    main()
