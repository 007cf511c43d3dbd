"""A processor the bank shares every customer's data with under a contract purpose (card printing, IT
outsourcing) holds the customer's data as surely as a consent's recipient: the customer's erasure tells it
to delete what no legal hold keeps, and names the holds (category, law, until when), so it keeps only
what the bank must keep and nothing else. A recipient of a legal obligation (the credit bureau) keeps the
data under its own law and is not told."""

from __future__ import annotations

import json

import pytest

from consents.models import WithdrawalDuty
from core.actors import actor_for_user
from dsr import services
from integrations.models import OutboxMessage
from tests.consents.factories import make_purpose, make_recipient
from tests.dsr.factories import approved_deletion, make_inventory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_contract_processor_is_told_to_delete_what_no_hold_keeps(subject, privacy_officer, dpo):
    make_inventory()
    printer = make_recipient(
        "Công ty In thẻ", kind="processor", client=UserFactory(role="integration_client"),
        url="https://printer.example/hooks",
    )
    bureau = make_recipient("CIC", kind="credit_bureau")
    make_purpose("card-service", legal_basis="contract", recipients=[printer])
    make_purpose(
        "credit-bureau", legal_basis="legal_obligation", recipients=[bureau],
        transfer_exemption="legal_disclosure",
    )
    worker = actor_for_user(privacy_officer)

    request = approved_deletion(subject, worker=worker, approver=actor_for_user(dpo))
    services.request_complete(actor=worker, request_id=request.pk)

    (duty,) = WithdrawalDuty.objects.filter(recipient=printer, kind=WithdrawalDuty.Kind.ERASURE)
    assert (duty.consent, duty.purpose.code, duty.status) == (None, "card-service", "open")
    payload = json.loads(OutboxMessage.objects.get(pk=duty.notice_message_id).payload)
    assert payload["purposes"] == ["card-service"]
    kept = {hold["category"]: hold for hold in payload["kept_under_legal_hold"]}
    assert set(kept) == {"identity", "transactions"}
    assert all(hold["law"] for hold in kept.values())
    assert not WithdrawalDuty.objects.filter(recipient=bureau).exists()
