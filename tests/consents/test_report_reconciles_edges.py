"""The consent report's month reconciles (start + granted - withdrawn - expired - superseded = end) at
its edges too: an expiry on the stroke of the local month's midnight, a consent in force at the start
voided in the month, an answer captured offline in one month and recorded in the next; and one month's
end is the next month's start."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consents import services
from consents.selectors.report import consent_report
from core.actors import actor_for_user
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH, APRIL, MAY = (datetime(2026, month, 1, tzinfo=VN) for month in (3, 4, 5))
LATER = datetime(2026, 6, 1, tzinfo=VN)


def _totals(since, until):
    return consent_report(since=since, until=until, now=LATER)["totals"]


def _reconciles(totals) -> bool:
    return (totals["in_force_at_start"] + totals["granted"] - totals["withdrawn"] - totals["expired"]
            - totals["superseded"]) == totals["in_force_at_end"]


def test_months_reconcile_and_chain_across_expiries_voids_and_offline_answers(dpo):
    purpose = make_purpose("marketing", category="marketing", effective_at=datetime(2026, 1, 1, tzinfo=VN))
    a, b, c, d = (make_subject() for _ in range(4))
    # Customers of the bank before the year began: an offline answer may not predate the customer's record.
    customers_since = datetime(2026, 1, 1, tzinfo=VN)
    DataSubject.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk]).update(created_at=customers_since)
    d.refresh_from_db()
    # Ends exactly at April's local midnight (17:00 UTC on 31 March), and one a minute before it.
    grant(a, purpose, now=datetime(2026, 2, 10, 9, tzinfo=VN), expires_at=APRIL)
    grant(b, purpose, now=datetime(2026, 2, 11, 9, tzinfo=VN), expires_at=APRIL - timedelta(minutes=1))
    voided = grant(c, purpose, now=datetime(2026, 2, 12, 9, tzinfo=VN))
    # Captured offline late on 31 March, recorded after April's midnight.
    grant(d, purpose, now=APRIL + timedelta(minutes=10), answered_at=APRIL - timedelta(minutes=10))
    services.consent_void(actor=actor_for_user(dpo), consent_id=voided.pk, reason="wrong_customer",
                          note="Recorded on the wrong customer.", now=datetime(2026, 3, 20, 9, tzinfo=VN))
    services.consents_expire_due(now=APRIL + timedelta(hours=2))

    march, april = _totals(MARCH, APRIL), _totals(APRIL, MAY)

    assert _reconciles(march), march
    assert _reconciles(april), april
    assert march["in_force_at_end"] == april["in_force_at_start"]
    assert (march["in_force_at_start"], march["granted"], march["expired"], march["in_force_at_end"]) == (
        2, 1, 1, 2
    )
    assert (april["expired"], april["in_force_at_end"]) == (1, 1)
