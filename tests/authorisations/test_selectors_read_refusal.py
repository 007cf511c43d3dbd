"""One rule says whether the third party may read now (`authorisation_read_refusal`): introspection
answers inactive on any refusal, the read claim answers 409 with its code. The rule reads only the row,
its third party and the facts it is given (today's reads, a legal hold), so it is tested here on unsaved
rows; the two callers are tested end to end in `test_api_read_claims`, `test_services_read_limits` and
`test_services_legal_hold`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from authorisations import selectors
from authorisations.models import Authorisation, FetchType, ThirdParty
from deadlines.policy import LOCAL_TZ

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=LOCAL_TZ)


def _authorisation(*, status="active", third_party="active", days_left=30, fetch_type="periodic"):
    return Authorisation(
        third_party=ThirdParty(status=third_party),
        status=status,
        starts_at=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=days_left),
        fetch_type=fetch_type,
        frequency_per_day=3 if fetch_type == FetchType.PERIODIC else None,
    )


@pytest.mark.parametrize(
    ("authorisation", "reads_today", "held_by_law", "refusal"),
    [
        (_authorisation(), 2, False, None),
        (_authorisation(fetch_type="one_time"), 0, False, None),
        (_authorisation(status="used", fetch_type="one_time"), 0, False, selectors.READ_USED),
        (_authorisation(status="paused"), 0, False, selectors.AUTHORISATION_PAUSED),
        # Paused with its third party's suspension: the pause is what the gateway is told.
        (_authorisation(status="paused", third_party="suspended"), 0, False, selectors.AUTHORISATION_PAUSED),
        (_authorisation(third_party=ThirdParty.Status.SUSPENDED), 0, False, selectors.THIRD_PARTY_SUSPENDED),
        (_authorisation(status="revoked"), 0, False, selectors.AUTHORISATION_ENDED),
        # Still ACTIVE after its term: the hourly sweep has not expired it yet.
        (_authorisation(days_left=0), 0, False, selectors.AUTHORISATION_ENDED),
        (_authorisation(), 3, False, selectors.DAILY_LIMIT_REACHED),
        # The customer's data under a legal hold serves only the legal obligation that keeps it.
        (_authorisation(), 0, True, selectors.LEGAL_HOLD),
        # An authorisation that ended says so first.
        (_authorisation(status="revoked"), 0, True, selectors.AUTHORISATION_ENDED),
    ],
)
def test_the_read_refusal_names_why_the_third_party_may_not_read_now(
    authorisation, reads_today, held_by_law, refusal
):
    refused = selectors.authorisation_read_refusal(
        authorisation, now=NOW, reads_today=reads_today, held_by_law=held_by_law
    )
    assert refused == refusal
