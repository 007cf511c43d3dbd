"""The hourly lapse of identity checks left unfinished (`dsr.identity_checks_lapse`) finds the requests
still awaiting an identity whose code ran out a day ago through a partial index,
`dsr_identity_check_awaited`, instead of reading every request ever received: the purge's index
(`dsr_identity_code_kept`) no longer holds them, since the nightly purge emptied their code's hash.

The plan is PostgreSQL's, chosen with its settings as they are, over some thousand requests
(tests/plans.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dsr.models import DataSubjectRequest
from dsr.services.identity_lapse import identity_checks_lapse
from tests.dsr.test_indexes_queue import TABLE, requests  # noqa: F401
from tests.plans import index_reads, queries_run
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]


def test_the_lapse_reads_only_the_requests_awaiting_an_identity_with_a_code_sent(requests):  # noqa: F811
    now = requests
    left = DataSubjectRequest.objects.filter(status="received").order_by("pk")[:20]
    DataSubjectRequest.objects.filter(pk__in=left.values("pk")).update(
        identity_otp_hash="", identity_otp_expires_at=now - timedelta(days=2), identity_verified_at=None
    )

    run = queries_run(lambda: identity_checks_lapse(now=now))
    read = [query for query in run if TABLE in query[0]]

    # The customers to lock are found through the index; the requests of those held, by customer.
    reads = [index_reads(query, TABLE) for query in read]
    assert reads[0] == ["dsr_identity_check_awaited"] and all("Seq Scan" not in way for way in reads), reads
    assert DataSubjectRequest.objects.filter(identity_check_lapsed_at=now).count() == 20
