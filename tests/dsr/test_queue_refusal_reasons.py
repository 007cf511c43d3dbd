"""The inspector's "every refusal and its legal ground": the queue narrowed to refused requests closed in
a period says, on each row, the legal reason the refusal stated, not only that it was refused."""

import pytest
from django.utils import translation

from dsr import services
from dsr.states import OutcomeReason
from tests.dsr.factories import MONDAY, STAFF, verified_request

pytestmark = pytest.mark.django_db


def test_each_refused_request_shows_its_legal_reason(client, dpo, subject):
    refused = verified_request(subject, type="complaint")
    services.request_reject(
        actor=STAFF, request_id=refused.pk, reason=OutcomeReason.MANIFESTLY_UNFOUNDED, note="See the letter.",
        now=MONDAY,
    )
    client.force_login(dpo)

    page = client.get("/en/portal/requests/", {"status": "rejected", "since": "2026-03-01"}).content.decode()

    assert page.count('data-testid="queue-row"') == 1
    with translation.override("en"):
        label = str(OutcomeReason.MANIFESTLY_UNFOUNDED.label)
    assert 'data-testid="outcome-reason"' in page
    assert label in page
