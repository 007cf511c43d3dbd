"""An authorisation ends when its term ends, not when a sweep (hourly, or late after the worker was down)
or a resume finds it: its `ended_at` and its event's time are the end of the term, which the pages show
as when it ended (docs/third-party-access.md); its audit entry, notices and receipt still say when the
bank recorded it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from authorisations import services
from authorisations.models import Authorisation, AuthorisationEvent
from core.actors import actor_for_user
from notifications.models import Notification
from tests.authorisations.factories import authorise, register

pytestmark = pytest.mark.django_db
HN = ZoneInfo("Asia/Ho_Chi_Minh")
GRANTED = datetime(2027, 3, 1, 10, 0, tzinfo=HN)
# The worker was down two days: the sweep runs at 02:10 on the 13th.
SWEPT = datetime(2027, 3, 13, 2, 10, tzinfo=HN)


def _expiry_recorded_at(authorisation: Authorisation, *, recorded: datetime) -> None:
    authorisation = Authorisation.objects.get(pk=authorisation.pk)
    assert authorisation.status == "expired"
    assert authorisation.ended_at == authorisation.expires_at
    event = AuthorisationEvent.objects.get(authorisation=authorisation, kind="expired")
    assert event.at == authorisation.expires_at
    receipt = json.loads(event.receipt)
    assert datetime.fromisoformat(receipt["event"]["time"]) == authorisation.expires_at
    assert datetime.fromisoformat(receipt["issued_at"]) == recorded
    entry = AuditEntry.objects.get(
        action="authorisations.authorisation.expired", target_id=str(authorisation.pk)
    )
    assert entry.recorded_at == recorded
    assert datetime.fromisoformat(entry.data["effective_at"]) == authorisation.expires_at
    told = Notification.objects.get(topic="authorisations.customer.expired")
    assert told.created_at == recorded


def test_a_late_expiry_sweep_records_the_end_of_the_term(customer1):
    authorisation = authorise(customer1, days=10, now=GRANTED)
    assert services.authorisations_expire_due(now=SWEPT) == 1
    _expiry_recorded_at(authorisation, recorded=SWEPT)


def test_a_pause_resumed_after_the_term_ends_at_the_end_of_the_term(customer1):
    authorisation = authorise(customer1, registration=register(), days=10, now=GRANTED)
    customer = actor_for_user(customer1)
    subject = customer1.customer_account.subject
    services.authorisation_pause(actor=customer, authorisation_id=authorisation.pk, subject=subject,
                                 now=datetime(2027, 3, 5, 10, 0, tzinfo=HN))
    services.authorisation_resume(
        actor=customer, authorisation_id=authorisation.pk, subject=subject, now=SWEPT
    )
    _expiry_recorded_at(authorisation, recorded=SWEPT)


def _customer_moves(customer1, move, authorisation, *, now, **details):
    return move(
        actor=actor_for_user(customer1), authorisation_id=authorisation.pk,
        subject=customer1.customer_account.subject, now=now, **details,
    )


@pytest.mark.parametrize("move", ["pause", "revoke"])
def test_a_move_after_the_term_ended_records_the_expiry_instead(customer1, move):
    """The term ended, the sweep has not run: a pause or a revocation then would be recorded after the
    end, and the sweep's expiry dated before it ("paused 10:40, expired 10:00"). The expiry is recorded
    instead, with its own event, receipt, audit entry and notice, and the caller gets it back."""
    authorisation = authorise(customer1, registration=register(), days=10, now=GRANTED)
    if move == "pause":
        action, details = services.authorisation_pause, {}
    else:
        action, details = services.authorisation_revoke, {"channel": "internet_banking"}
    answer = _customer_moves(customer1, action, authorisation, now=SWEPT, **details)

    assert answer.status == "expired"
    _expiry_recorded_at(authorisation, recorded=SWEPT)
    events = AuthorisationEvent.objects.filter(authorisation=authorisation)
    assert list(events.values_list("kind", flat=True)) == ["granted", "expired"]
    assert services.authorisations_expire_due(now=SWEPT) == 0


def test_a_pause_within_the_term_is_still_a_pause(customer1):
    authorisation = authorise(customer1, registration=register(), days=10, now=GRANTED)
    expires_at = Authorisation.objects.get(pk=authorisation.pk).expires_at
    answer = _customer_moves(
        customer1, services.authorisation_pause, authorisation, now=expires_at - timedelta(minutes=1)
    )
    assert answer.status == "paused"
