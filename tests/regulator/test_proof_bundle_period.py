"""The period of a proof bundle: a date-only `to` takes in the whole of its day, up to (not including)
00:00 local the next day, so an event in the day's last second is in the bundle; a date-time `to` is
taken as given, included."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
REASON = "A05 inspection letter 123/A05-P4, 2026"
LAST_SECOND = datetime(2026, 3, 9, 23, 59, 59, 500000, tzinfo=VN)
NEXT_MIDNIGHT = datetime(2026, 3, 10, tzinfo=VN)


@pytest.fixture
def customer():
    """A customer who consented in the last half-second of 9 March and again at midnight on the 10th."""
    subject = make_subject()
    for code, at in (("late_evening", LAST_SECOND), ("next_day", NEXT_MIDNIGHT)):
        grant(subject, make_purpose(code, category="marketing", effective_at=datetime(2026, 1, 1, tzinfo=VN)),
              now=at)
    return subject


def _bundle(client, subject, query: str) -> dict:
    response = client.get(f"/api/v1/subjects/{subject.pk}/proof-bundle/{query}", HTTP_X_ACCESS_REASON=REASON)
    assert response.status_code == 200, response.content
    return response.json()


def _purposes(bundle: dict) -> list[str]:
    return [p["purpose"]["code"] for p in bundle["consents"] if p["events"]]


def test_a_date_to_takes_in_the_day_s_last_second_and_not_the_next_day(customer, dpo, as_user):
    bundle = _bundle(as_user(dpo), customer, "?from=2026-03-09&to=2026-03-09")
    assert _purposes(bundle) == ["late_evening"]
    assert bundle["header"]["period"] == {
        "from": "2026-03-09T00:00:00+07:00",
        "to": "2026-03-10T00:00:00+07:00",
        "to_excluded": True,
        "all_history": False,
    }


def test_a_date_time_to_is_included_as_given(customer, dpo, as_user):
    bundle = _bundle(as_user(dpo), customer, "?to=2026-03-10T00:00:00%2B07:00")
    assert _purposes(bundle) == ["late_evening", "next_day"]
    assert bundle["header"]["period"]["to_excluded"] is False


def test_a_date_to_before_a_from_on_the_same_day_is_refused(customer, dpo, as_user):
    response = as_user(dpo).get(
        f"/api/v1/subjects/{customer.pk}/proof-bundle/?from=2026-03-10T00:00:00&to=2026-03-09",
        HTTP_X_ACCESS_REASON=REASON,
    )
    assert response.status_code == 400 and "to" in response.json()
