"""A read of a one-time authorisation made after its term ended (reported before the hourly sweep recorded
the end) is not the read the customer agreed to: the authorisation is recorded expired at the end of its
term, not "used" at the report, and the customer's log shows that read after the end. A late report of a
read made within the term still uses it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from authorisations import services
from authorisations.models import Authorisation
from core.actors import Actor
from tests.authorisations.factories import authorise, register

pytestmark = pytest.mark.django_db
HN = ZoneInfo("Asia/Ho_Chi_Minh")
GATEWAY = Actor(kind="client", user_id=None, label="gateway")
GRANTED = datetime(2027, 3, 1, 10, 0, tzinfo=HN)


def _report(authorisation, *, accessed_at, now):
    services.access_record(
        actor=GATEWAY,
        authorisation_id=authorisation.pk,
        scope="accounts:read",
        accessed_at=accessed_at,
        record_count=3,
        now=now,
    )
    return Authorisation.objects.get(pk=authorisation.pk)


def test_a_read_after_the_term_of_a_one_time_authorisation_does_not_use_it(customer1):
    authorisation = authorise(customer1, registration=register(fetch_type="one_time"), days=1, now=GRANTED)
    ended = authorisation.expires_at
    read_at = ended + timedelta(minutes=20)
    after = _report(authorisation, accessed_at=read_at, now=ended + timedelta(minutes=30))
    assert after.status == "expired"
    assert after.ended_at == ended
    assert list(after.events.values_list("kind", flat=True)) == ["granted", "expired"]
    assert after.accesses.get().accessed_at == read_at


def test_a_late_report_of_a_read_within_the_term_uses_it(customer1):
    authorisation = authorise(customer1, registration=register(fetch_type="one_time"), days=1, now=GRANTED)
    ended = authorisation.expires_at
    after = _report(
        authorisation, accessed_at=ended - timedelta(minutes=5), now=ended + timedelta(minutes=30)
    )
    assert after.status == "used"
