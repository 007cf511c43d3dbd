"""A request refused because "the requester's identity could not be verified" says what was tried and what
the customer can still do: the customer reads the note, and the DPO answers an inspector's "did you
try?" from it. Before, an officer could refuse any unverified request for that reason the moment it came
in, with no word of what was asked of the customer, who learned only that they were not believed.
Identity-verification review."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.errors import InvalidInput
from dsr import services
from dsr.states import RequestStatus
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_an_identity_refusal_without_a_note_is_refused_and_the_request_stays_open():
    request = make_request(make_subject(), channel="call_centre")
    with pytest.raises(InvalidInput) as refused:
        services.request_reject(actor=STAFF, request_id=request.pk, reason="identity_not_verified")
    assert refused.value.field == "note"
    with translation.override("en"):
        assert "what was tried" in str(refused.value.text)
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_an_identity_refusal_with_what_was_tried_is_recorded_for_the_customer():
    request = make_request(make_subject(), channel="call_centre")
    note = "Five wrong codes on 10/03; we asked you to bring your CCCD to a branch by 20/03."
    refused = services.request_reject(
        actor=STAFF, request_id=request.pk, reason="identity_not_verified", note=note
    )
    assert refused.status == RequestStatus.REJECTED and refused.outcome_note == note
