"""Benchmark: verifying the audit chain (`manage.py verify_audit`, `audit_chain_verify`), entries per second.

Set-up: the PostgreSQL database `<prefix>_audit` (created and migrated here, bench/common.py), whose chain
is extended to BENCH_ENTRIES entries (1,000,000 by default; 2,000 in smoke runs) written with COPY:
each entry is sealed here with the platform's own keyed MAC (`audit.hashing.entry_seal`), so the
chain is valid, and the head row is moved to its end. Entries carry a typical payload (an action, a target,
a subject id, a small `data` dict). Then the whole chain is verified BENCH_RUNS times (3) in this
process with BENCH_WORKERS processes (one per CPU by default, as `verify_audit` does; 1: serial),
and the wall time, the rate and the peak resident memory are printed: the verification streams
from server-side cursors, so memory stays flat however long the chain.

    python bench/audit_verify.py         # BENCH_ENTRIES=1000000 BENCH_RUNS=3
"""

from __future__ import annotations

import os
import resource
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

from common import bench_env, copy_rows, ensure_database, setup_django, sized

ENV = bench_env("audit")
ENTRIES = sized(1_000_000, 2_000, env="BENCH_ENTRIES")
RUNS = sized(3, 1, env="BENCH_RUNS")
WORKERS = int(os.environ.get("BENCH_WORKERS") or os.cpu_count() or 1)
ACTIONS = ["consents.consent.granted", "consents.consent.withdrawn", "dsr.request.created", "subjects.viewed"]


def extend_chain() -> int:
    """Append valid entries until the chain is ENTRIES long; returns how many were added."""
    from django.db import transaction
    from django.utils import timezone

    from audit.hashing import GENESIS_HASH, canonical_data, entry_seal
    from audit.models import AuditChainHead, AuditEntry

    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"sequence": 0, "last_hash": GENESIS_HASH}
        )
        start, prev_hash = head.sequence, head.last_hash
        if start >= ENTRIES:
            return 0
        begin = timezone.now() - timedelta(days=365)
        subjects = [uuid.uuid4() for _ in range(1000)]

        def rows():
            nonlocal prev_hash
            for sequence in range(start + 1, ENTRIES + 1):
                entry = SimpleNamespace(
                    sequence=sequence,
                    recorded_at=begin + timedelta(milliseconds=sequence),
                    actor_kind="system",
                    actor_user_id=None,
                    actor_label="bench",
                    action=ACTIONS[sequence % len(ACTIONS)],
                    target_type="consents.consent",
                    target_id=str(sequence),
                    subject_id=subjects[sequence % len(subjects)],
                    data=canonical_data({"channel": "mobile_app", "purpose": "marketing", "n": sequence}),
                    request_id=f"bench-{sequence}",
                    ip="10.0.0.1",
                    prev_hash=prev_hash,
                )
                entry_seal(entry)
                prev_hash = entry.entry_hash
                yield vars(entry)

        added = copy_rows(AuditEntry, rows())
        head.sequence, head.last_hash = ENTRIES, prev_hash
        head.save(update_fields=["sequence", "last_hash"])
    return added


def main() -> None:
    ensure_database(ENV)
    setup_django(ENV)
    from django.db import connection

    from audit.selectors import audit_chain_verify

    started = time.monotonic()
    added = extend_chain()
    if added:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditentry")
        print(f"appended {added:,} audit entries in {time.monotonic() - started:.1f} s")
    print(f"verify_audit over {ENTRIES:,} entries, {RUNS} runs, {WORKERS} workers:")
    for run in range(1, RUNS + 1):
        began = time.monotonic()
        result = audit_chain_verify(workers=WORKERS)
        seconds = time.monotonic() - began
        assert result.valid and result.entries == ENTRIES, result
        processes = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        peak = max(resource.getrusage(who).ru_maxrss for who in processes) / 1024
        print(
            f"  run {run}: {seconds:.2f} s, {result.entries / seconds:,.0f} entries/s, "
            f"peak memory {peak:.0f} MB per process"
        )


if __name__ == "__main__":
    main()
