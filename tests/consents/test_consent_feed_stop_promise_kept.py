"""A stop is due by the promise in force when the bank heard the "no". The DPO edits a policy row in place
(`dsr.services.policy.deadline_policy_update`); the consent feed's `stop_by` and the acknowledgement's
`stops_late` must not move a withdrawal heard under 72 hours to a 48-hour deadline afterwards, nor count
stops promised under 72 hours late by the shorter one. A "no" heard after the edit is timed by it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEntry
from consents import services
from consents.selectors import feed_position_read
from deadlines.models import DeadlinePolicy, DeadlineRegime
from dsr.services.policy import deadline_policy_update
from tests.consents.factories import STAFF
from tests.consents.feed_setup import marketing_in_force, withdrawn_at_the_branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    return marketing_in_force()


def _bank_promise_shortened_to(hours: int) -> None:
    row = DeadlinePolicy.objects.get(regime=DeadlineRegime.BANK, request_type="withdraw")
    deadline_policy_update(actor=STAFF, policy_id=row.pk, changes={"period": hours})


def _feed(marketing, *, now):
    return services.consent_feed_read(actor=STAFF, purpose_code="marketing", after=None, limit=100, now=now)


def test_a_shorter_promise_does_not_move_the_stop_of_a_no_heard_before_it(marketing):
    heard_before = withdrawn_at_the_branch(marketing, ago=timedelta(hours=1))
    _bank_promise_shortened_to(48)
    heard_after = withdrawn_at_the_branch(marketing, ago=timedelta(0))
    later = timezone.now() + timedelta(minutes=10)

    stops = {item["consent"]: parse_datetime(item["stop_by"]) for item in _feed(marketing, now=later).items}

    assert stops[str(heard_before.pk)] == heard_before.withdrawn_at + timedelta(hours=72)
    assert stops[str(heard_after.pk)] == heard_after.withdrawn_at + timedelta(hours=48)


def test_the_acknowledgement_counts_late_by_the_promise_each_stop_was_heard_under(marketing):
    """Withdrawn 60 hours ago under 72 hours, applied now: on time, though 48 hours have passed."""
    withdrawn_at_the_branch(marketing, ago=timedelta(hours=60))
    _bank_promise_shortened_to(48)
    later = timezone.now() + timedelta(minutes=10)
    page = _feed(marketing, now=later)

    applied = services.consent_feed_applied(
        actor=STAFF, purpose_code="marketing", now=later,
        through=feed_position_read(page.next, purpose_code="marketing"),
    )

    data = AuditEntry.objects.get(pk=applied.proof).data
    assert (data["stops"], data["stops_late"]) == (1, 0)
