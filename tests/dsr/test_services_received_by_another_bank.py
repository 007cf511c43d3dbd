"""Requests a transferred portfolio brings over (a merger, an acquisition): the other bank received them,
and the law's clocks have run since that day (Law 91/2025: the controller changes, the customer's
deadline does not). Staff record the day and the bank that received each one, however long ago, so an
overdue request comes in overdue instead of with a later, invented date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from audit.models import AuditEntry
from core.actors import Actor
from core.errors import InvalidInput
from dsr import services
from dsr.services.receipt_times import RECEIVED_AT_MAX_DAYS_BACK
from tests.dsr.factories import MONDAY, STAFF
from tests.factories import signed_in

pytestmark = pytest.mark.django_db
TRANSFER_DAY = MONDAY + timedelta(days=3)
LONG_AGO = TRANSFER_DAY - timedelta(days=RECEIVED_AT_MAX_DAYS_BACK + 10)


def bring_over(subject, *, actor=STAFF, received_by="Ngân hàng B", received_at=LONG_AGO):
    return services.request_create(
        actor=actor, subject=subject, type="delete", channel="paper_form", received_at=received_at,
        received_by=received_by, now=TRANSFER_DAY,
    )


def test_a_request_the_other_bank_received_long_ago_keeps_its_clocks(subject):
    request = bring_over(subject)

    assert request.received_at == LONG_AGO
    assert request.received_by == "Ngân hàng B"
    # Law 91: a deletion in 20 days from receipt, already past on the day the portfolio came over.
    assert request.statutory_due_at < TRANSFER_DAY
    entry = AuditEntry.objects.get(action="dsr.request.received", target_id=str(request.pk))
    assert entry.data["received_by"] == "Ngân hàng B"


def test_the_bank_s_own_forms_still_go_back_at_most_thirty_days(subject):
    with pytest.raises(InvalidInput) as refused:
        bring_over(subject, received_by="")
    assert refused.value.field == "received_at"


def test_only_staff_say_another_bank_received_it(subject):
    with pytest.raises(InvalidInput) as refused:
        bring_over(subject, actor=Actor(kind="client", label="corebank"), received_at=None)
    assert refused.value.field == "received_by"


def test_the_api_takes_the_bank_that_received_it(subject, officer):
    with translation.override("en"):
        answer = signed_in(officer).post("/api/v1/requests/", {
            "subject": subject.external_ref, "type": "access", "channel": "paper_form",
            "received_at": (MONDAY - timedelta(days=45)).isoformat(), "received_by": "Ngân hàng B",
        }, content_type="application/json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["received_by"] == "Ngân hàng B"
