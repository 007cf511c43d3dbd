"""One rule says whether the third party may read now (`authorisation_read_refusal`): introspection
answers inactive on any refusal, the read claim answers 409 with its code. The rule reads only the row
and its third party, so it is tested here on unsaved rows; the two callers are tested end to end in
`test_api_read_claims` and `test_services_read_limits`."""

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
    ("authorisation", "reads_today", "refusal"),
    [
        (_authorisation(), 2, None),
        (_authorisation(fetch_type="one_time"), 0, None),
        (_authorisation(status="used", fetch_type="one_time"), 0, selectors.READ_USED),
        (_authorisation(status="paused"), 0, selectors.AUTHORISATION_PAUSED),
        # Paused with its third party's suspension: the pause is what the gateway is told.
        (_authorisation(status="paused", third_party="suspended"), 0, selectors.AUTHORISATION_PAUSED),
        (_authorisation(third_party=ThirdParty.Status.SUSPENDED), 0, selectors.THIRD_PARTY_SUSPENDED),
        (_authorisation(status="revoked"), 0, selectors.AUTHORISATION_ENDED),
        # Still ACTIVE after its term: the hourly sweep has not expired it yet.
        (_authorisation(days_left=0), 0, selectors.AUTHORISATION_ENDED),
        (_authorisation(), 3, selectors.DAILY_LIMIT_REACHED),
    ],
)
def test_the_read_refusal_names_why_the_third_party_may_not_read_now(authorisation, reads_today, refusal):
    assert selectors.authorisation_read_refusal(authorisation, now=NOW, reads_today=reads_today) == refusal
