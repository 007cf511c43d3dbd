"""An objection to a purpose resting on no consent (public interest, vital interest, a public authority's
task) puts it in force, and the recipients that receive data for that purpose are told to stop within the
bank's deadline as any other stop: a duty naming the purpose (there is no consent), a signed notice, and
the lift's resume notice naming the purpose."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from consents.models import WithdrawalDuty
from deadlines.policy import due_at_for
from dsr import services
from dsr.sources import request_source
from integrations.models import OutboxMessage
from tests.consents.factories import make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, verified_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _public_analytics(basis):
    bureau = make_recipient(
        "Viện Thống kê",
        kind="processor",
        client=UserFactory(role="integration_client"),
        url="https://stats.example/h",
    )
    make_purpose(
        "public-analytics",
        legal_basis=basis,
        category="analytics",
        recipients=[bureau],
        effective_at=MONDAY - timedelta(days=30),
    )
    return bureau


@pytest.mark.parametrize("basis", ["public_interest", "vital_interest", "public_authority"])
def test_the_recipients_of_an_objected_purpose_on_no_consent_are_told_to_stop(subject, basis):
    bureau = _public_analytics(basis)

    request = verified_request(subject, type="object", purposes=["public-analytics"])

    (duty,) = WithdrawalDuty.objects.filter(recipient=bureau)
    assert (duty.kind, duty.status, duty.consent_id) == ("restriction", "open", None)
    assert duty.purpose_shared.code == "public-analytics"
    assert (duty.subject_id, duty.source) == (subject.pk, request_source(request))
    assert duty.due_at == due_at_for(
        request_type="object", received_at=duty.received_at, subject=subject, processor_involved=True
    )
    payload = json.loads(OutboxMessage.objects.get(pk=duty.notice_message_id).payload)
    assert (payload["restriction"], payload["purposes"], payload["consent"]) == (
        "object",
        ["public-analytics"],
        None,
    )


def test_an_objection_to_every_purpose_reaches_the_recipients_of_a_purpose_on_no_consent(subject):
    bureau = _public_analytics("public_interest")

    verified_request(subject, type="object")

    assert WithdrawalDuty.objects.filter(recipient=bureau, kind="restriction").count() == 1


def test_a_purpose_the_objection_cannot_reach_tells_no_one(subject):
    processor = make_recipient("Xử lý thẻ", kind="processor", url="https://cards.example/h")
    make_purpose(
        "cards", legal_basis="contract", recipients=[processor], effective_at=MONDAY - timedelta(days=30)
    )

    verified_request(subject, type="object")

    assert not WithdrawalDuty.objects.filter(recipient=processor).exists()


def test_cancelling_the_objection_tells_the_recipient_it_may_resume(subject):
    bureau = _public_analytics("public_interest")
    request = verified_request(subject, type="object", purposes=["public-analytics"])

    services.request_cancel(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))

    (resume,) = OutboxMessage.objects.filter(endpoint=bureau.endpoint, topic="consent.processing_resumed")
    assert json.loads(resume.payload)["purposes"] == ["public-analytics"]
