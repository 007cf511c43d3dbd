"""Recipients are written through the API (`POST /api/v1/recipients/`), so the end of the bank's
relationship with one is too, by the same service as the page (`recipient_end`): the DPO only, with a
reason, 409 while a purpose names it or once it is ended, 404 for no such recipient."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import Recipient
from tests.consents.factories import make_purpose, make_recipient

pytestmark = pytest.mark.django_db


def test_the_dpo_ends_a_recipient_through_the_api(as_user, dpo):
    printer = make_recipient("In thẻ ABC", kind="processor")

    ended = as_user(dpo).post(f"/api/v1/recipients/{printer.pk}/end/", {"reason": "Contract ended 30/11"},
                              format="json")

    assert ended.status_code == 200, ended.content
    assert ended.json()["id"] == printer.pk and ended.json()["active"] is False
    assert not Recipient.objects.get(pk=printer.pk).active
    assert AuditEntry.objects.get(action="consents.recipient.ended").data["reason"] == "Contract ended 30/11"


def test_refusals_are_the_service_s(as_user, dpo):
    printer = make_recipient("In thẻ ABC", kind="processor")
    make_purpose("cards", recipients=[printer])
    api = as_user(dpo)

    named = api.post(f"/api/v1/recipients/{printer.pk}/end/", {"reason": "Contract ended"}, format="json")
    blank = api.post(f"/api/v1/recipients/{printer.pk}/end/", {"reason": " "}, format="json")
    absent = api.post("/api/v1/recipients/999999/end/", {"reason": "Contract ended"}, format="json")

    assert named.status_code == 409 and named.json()["code"] == "recipient_still_named"
    assert blank.status_code == 400 and "reason" in blank.json()
    assert absent.status_code == 404
    assert Recipient.objects.get(pk=printer.pk).active


def test_only_the_dpo_ends_a_recipient(as_user, privacy_officer):
    printer = make_recipient("In thẻ ABC", kind="processor")

    refused = as_user(privacy_officer).post(f"/api/v1/recipients/{printer.pk}/end/", {"reason": "x"},
                                            format="json")

    assert refused.status_code == 403 and Recipient.objects.get(pk=printer.pk).active
