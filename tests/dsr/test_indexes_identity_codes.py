"""The nightly purge of expired identity codes (`dsr.identity_codes_purge_expired`) finds the requests
that still keep a code's hash through a partial index, `dsr_identity_code_kept`, instead of reading every
request ever received (hundreds of thousands a year at a large bank, a few with a code waiting), and
again for each batch it re-queues itself for.

The plan is PostgreSQL's, chosen with its settings as they are, over some thousand requests
(tests/plans.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsr.models import DataSubjectRequest
from dsr.services.identity_codes import identity_codes_purge_expired
from tests.dsr.test_indexes_queue import TABLE, requests  # noqa: F401
from tests.plans import index_reads, queries_run
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]


def test_the_purge_reads_only_the_requests_keeping_a_code(requests):  # noqa: F811
    now = requests
    waiting = DataSubjectRequest.objects.filter(status="received").order_by("pk")[:20]
    DataSubjectRequest.objects.filter(pk__in=waiting.values("pk")).update(
        identity_otp_hash="0" * 64, identity_otp_expires_at=now - timedelta(hours=1)
    )

    run = queries_run(lambda: identity_codes_purge_expired(now=now))
    read = [query for query in run if TABLE in query[0]]

    # The customers to lock are found through the index; the requests of those held, by customer.
    reads = [index_reads(query, TABLE) for query in read]
    assert reads[0] == ["dsr_identity_code_kept"] and all("Seq Scan" not in way for way in reads), reads
    assert not DataSubjectRequest.objects.exclude(identity_otp_hash="").exists()
