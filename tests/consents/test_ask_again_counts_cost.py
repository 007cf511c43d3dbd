"""The DPO's purpose list shows, per purpose, how many customers to ask again after a widening: the live
consents given to a version older than it. After a change at a big bank they are millions, counted at
each view of the page, so the count reads them through `consent_live_on_notice` (purpose, version of the
live consents), by version, with no join to the versions: the index alone is read, never the table.
And the figure shown is the truth: what the list of customers to ask again holds, after grants,
withdrawals and a new version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.models import Consent, ConsentStatus, NoticeVersion
from consents.selectors import consents_on_notice_older_than_counts, subjects_to_ask_again
from tests.consents.factories import (
    STAFF,
    announce_on_time,
    consents_in_bulk,
    grant,
    make_purpose,
    publish_notice,
)
from tests.factories import make_subject, signed_in, subjects_in_bulk
from tests.html_tree import parse
from tests.plans import index_reads, queries_run
from tests.runs import only_on

pytestmark = pytest.mark.django_db
CONSENTS = 4000


@only_on("postgresql", "the plans checked are PostgreSQL's")
def test_the_count_reads_the_live_consents_index_only_and_joins_no_version():
    now = timezone.now()
    purpose = make_purpose("marketing", effective_at=now - timedelta(days=90))
    subjects = subjects_in_bulk(CONSENTS)
    rows = [
        {"subject": subject, "granted_at": now - timedelta(days=60)}
        if n % 4 == 0
        else {"subject": subject, "granted_at": now - timedelta(days=60), "status": ConsentStatus.WITHDRAWN,
              "ended_at": now - timedelta(days=30), "withdrawn_at": now - timedelta(days=30)}
        for n, subject in enumerate(subjects)
    ]
    consents_in_bulk(purpose, rows)

    run = queries_run(lambda: consents_on_notice_older_than_counts([(purpose.pk, now)]))

    consent_reads = [read for query in run if (read := index_reads(query, Consent._meta.db_table))]
    assert consent_reads == [["consent_live_on_notice"]]
    assert not [query for query in run if NoticeVersion._meta.db_table in query[0] and "JOIN" in query[0]]


def test_the_figure_on_the_purpose_list_is_the_list_of_customers_to_ask_again(dpo):
    now = timezone.now()
    purpose = make_purpose("marketing", effective_at=now - timedelta(days=90))
    old = [grant(make_subject(), purpose, now=now - timedelta(days=60)) for _ in range(4)]
    services.consent_withdraw(actor=STAFF, consent_id=old[0].pk, channel="branch")
    publish_notice("marketing", "v2", effective_at=now - timedelta(days=2), material=True,
                   now=now - timedelta(days=40))
    announce_on_time("marketing")
    grant(make_subject(), purpose)  # to v2: nobody to ask again
    services.consent_withdraw(actor=STAFF, consent_id=old[1].pk, channel="branch")

    page = parse(signed_in(dpo).get("/en/portal/purposes/").content)

    shown = page.find("a", href="/en/portal/purposes/marketing/ask-again/")
    assert subjects_to_ask_again(purpose).count() == 2
    assert shown is not None and shown.text().strip() == "2"
