"""Which recipient an endpoint served, and when, is the DPO's proof of who received each recipient's
notices: moving an endpoint from one recipient to another is audited naming both, and a save that leaves
the recipient as it was does not claim a change of recipient."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import Recipient
from core.actors import Actor
from core.roles import Role
from integrations.webhooks import EndpointChange, webhook_endpoint_create, webhook_endpoint_update
from tests.consents.factories import make_recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DPO = Actor.system("tests")


def _updates():
    entries = AuditEntry.objects.filter(action="integrations.webhook.updated").order_by("pk")
    return [entry.data for entry in entries]


def test_moving_an_endpoint_to_another_recipient_names_the_one_it_left_and_a_plain_save_names_none():
    client = UserFactory(role=Role.CLIENT)
    insurer, printer = make_recipient("Bảo hiểm Nhóm"), make_recipient("In thẻ ABC", kind="processor")
    endpoint, _secret = webhook_endpoint_create(
        actor=DPO, client=client, name="hook", url="https://receiver.example/hook", recipient=insurer.pk
    )

    for change in (
        EndpointChange(recipient=printer.pk),
        EndpointChange(name="renamed", recipient=printer.pk),
        EndpointChange(recipient=printer.pk),
    ):
        webhook_endpoint_update(actor=DPO, endpoint=endpoint, change=change)

    moved, renamed = _updates()
    assert moved["old"] == {"recipient": insurer.pk} and moved["new"] == {"recipient": printer.pk}
    assert renamed["old"] == {"name": "hook"} and renamed["new"] == {"name": "renamed"}
    assert Recipient.objects.get(pk=insurer.pk).endpoint_id is None
