"""A recipient told to stop by a restriction or objection is told it may resume when the source is lifted,
naming the kind it was told to stop for. A legal hold from the same source (staff name one case for both)
is the bank's own obligation, of which recipients are never told (`RECIPIENTS_TOLD_OF`): the resumption
must not name `legal_hold`, whichever of the source's restrictions the lift reads first."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from consents.services import restrictions_apply, restrictions_lift
from integrations.models import OutboxMessage
from tests.dsr.factories import MONDAY, STAFF
from tests.dsr.test_restriction_recipients import _shared

pytestmark = pytest.mark.django_db
CASE = "staff:complaint-42"


def test_the_resumption_names_the_restriction_not_the_hold_of_the_same_case(subject):
    _shared(subject)
    for kind in ("legal_hold", "restrict"):
        restrictions_apply(actor=STAFF, subject=subject, purposes=None, kind=kind, source=CASE,
                           now=MONDAY)
    restrictions_lift(actor=STAFF, source=CASE, now=MONDAY + timedelta(days=1))
    (resumed,) = OutboxMessage.objects.filter(topic="consent.processing_resumed")
    assert json.loads(resumed.payload)["restriction"] == "restrict"
