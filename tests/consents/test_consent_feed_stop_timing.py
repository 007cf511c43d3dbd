"""The consent feed's `stop_by` is when the bank's stop was due: counted from when the bank heard the "no"
(the withdrawal, the restriction's start), not from the state row's write time, which a restriction or a
renumbering restamps so the next run reads the row again. A customer who withdrew four days ago and was
renumbered today is a stop due a day ago, not one due in three days; the core's acknowledgement counts
it late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEntry
from consents import services
from consents.selectors import feed_position_read
from consents.services.feed_restamps import consent_states_restamp
from deadlines.models import DeadlinePolicy, DeadlineRegime
from deadlines.policy import due_at_for
from tests.consents.factories import STAFF, SYSTEM, grant
from tests.consents.feed_setup import marketing_in_force, withdrawn_at_the_branch
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    return marketing_in_force()


def test_a_restamped_withdrawal_keeps_the_stop_due_from_when_the_bank_heard_it(marketing):
    consent = withdrawn_at_the_branch(marketing, ago=timedelta(days=4))
    consent_states_restamp(subject_id=consent.subject_id)

    later = timezone.now() + timedelta(minutes=10)
    page = services.consent_feed_read(actor=STAFF, purpose_code="marketing", after=None, limit=100, now=later)

    (item,) = page.items
    assert parse_datetime(item["stop_by"]) == due_at_for(
        request_type="withdraw", received_at=consent.withdrawn_at, processor_involved=True
    )
    assert parse_datetime(item["stop_by"]) < later, "withdrawn four days ago: the 72 hours have passed"


def test_the_acknowledgement_counts_a_restamped_overdue_stop_late(marketing):
    consent = withdrawn_at_the_branch(marketing, ago=timedelta(days=4))
    consent_states_restamp(subject_id=consent.subject_id)
    later = timezone.now() + timedelta(minutes=10)
    page = services.consent_feed_read(actor=STAFF, purpose_code="marketing", after=None, limit=100, now=later)

    applied = services.consent_feed_applied(
        actor=STAFF, purpose_code="marketing", now=later,
        through=feed_position_read(page.next, purpose_code="marketing"),
    )

    data = AuditEntry.objects.get(pk=applied.proof).data
    assert (data["stops"], data["stops_late"]) == (1, 1)


def test_an_objection_times_the_stop_from_its_start(marketing):
    customer = grant(make_subject(), marketing, now=timezone.now() - timedelta(days=30)).subject
    started = timezone.now() - timedelta(days=5)
    services.restrictions_apply(
        actor=SYSTEM, subject=customer, purposes=[marketing], kind="object", source="dsr:o", now=started
    )
    consent_states_restamp(subject_id=customer.pk)
    later = timezone.now() + timedelta(minutes=10)

    page = services.consent_feed_read(actor=STAFF, purpose_code="marketing", after=None, limit=100, now=later)

    (item,) = page.items
    assert item["reason"] == "objected"
    assert parse_datetime(item["stop_by"]) == due_at_for(
        request_type="withdraw", received_at=started, processor_involved=True
    )


def test_the_feed_times_a_stop_as_the_recipients_duties_do(marketing):
    """A bank whose policy gives longer when a processor must stop: the recipients' duties are timed by
    it, and the docs say the feed's `stop_by` is timed as they are."""
    bank = DeadlinePolicy.objects.filter(regime=DeadlineRegime.BANK, request_type="withdraw")
    bank.update(processor_period=120)
    consent = withdrawn_at_the_branch(marketing, ago=timedelta(hours=1))
    later = timezone.now() + timedelta(minutes=10)

    page = services.consent_feed_read(actor=STAFF, purpose_code="marketing", after=None, limit=100, now=later)

    (item,) = page.items
    assert parse_datetime(item["stop_by"]) == consent.withdrawn_at + timedelta(hours=120)
