"""The authorisation list reads the authorisations newest first through an index, `authorisation_started`,
instead of sorting every authorisation customers ever gave for each page (docs/third-party-access.md).

The plan is PostgreSQL's, chosen with its settings as they are, over some thousand authorisations
(tests/plans.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from authorisations.models import Authorisation
from authorisations.selectors import authorisation_list
from tests.authorisations.factories import register
from tests.factories import UserFactory, subjects_in_bulk
from tests.plans import index_reads, sorts_read_rows
from tests.runs import only_on

pytestmark = [pytest.mark.django_db, only_on("postgresql", "the plans checked are PostgreSQL's")]
TABLE = Authorisation._meta.db_table


def test_a_page_of_the_list_reads_the_newest_in_the_index_order():
    now = timezone.now()
    third_party, login = register().third_party, UserFactory()
    Authorisation.objects.bulk_create(
        Authorisation(
            subject=subject,
            user=login,
            third_party=third_party,
            scopes=["accounts:read"],
            purpose="Kế toán",
            fetch_type="recurring",
            frequency_per_day=4,
            channel="web",
            status="expired",
            starts_at=now - timedelta(hours=n + 1),
            expires_at=now - timedelta(hours=n),
        )
        for n, subject in enumerate(subjects_in_bulk(4000))
    )

    page = authorisation_list()[:50]
    assert index_reads(page, TABLE) == ["authorisation_started"]
    assert not sorts_read_rows(page, TABLE)
