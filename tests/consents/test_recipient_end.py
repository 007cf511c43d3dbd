"""A recipient whose contract with the bank ended: the DPO records the end (its reason audited), once no
purpose in force or announced still names it (a purpose that does would go on telling customers their
data goes there); from then on it is offered to no endpoint, and a consent that named it, when it ends,
opens its duty without a notice, for staff to reach it by hand (`notice_withheld=recipient_inactive`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from consents import selectors, services
from consents.models import Recipient, WithdrawalDuty
from core.errors import Conflict, InvalidInput
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import signed_in

pytestmark = pytest.mark.django_db


def _narrowed_away(printer, insurer):
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[insurer, printer],
        effective_at=timezone.now() - timedelta(days=30),
    )
    consent = grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    services.scope_stops_run_queued()
    return consent


def test_a_recipient_still_named_by_a_purpose_cannot_be_ended():
    printer = make_recipient("In thẻ ABC", kind="processor")
    make_purpose("cards", recipients=[printer])

    with pytest.raises(Conflict) as refused:
        services.recipient_end(actor=STAFF, recipient_id=printer.pk, reason="Contract ended 2026-11-30")

    assert refused.value.code == "recipient_still_named" and "cards" in str(refused.value.text)
    assert Recipient.objects.get(pk=printer.pk).active


def test_ending_a_recipient_needs_a_reason_and_is_audited():
    printer, insurer = make_recipient("In thẻ ABC", kind="processor"), make_recipient("Bảo hiểm")
    consent = _narrowed_away(printer, insurer)
    with pytest.raises(InvalidInput):
        services.recipient_end(actor=STAFF, recipient_id=printer.pk, reason="  ")

    services.recipient_end(actor=STAFF, recipient_id=printer.pk, reason="Contract ended 2026-11-30")

    assert not Recipient.objects.get(pk=printer.pk).active
    entry = AuditEntry.objects.get(action="consents.recipient.ended")
    assert entry.data["reason"] == "Contract ended 2026-11-30"
    assert printer.pk not in dict(selectors.recipient_choices())
    with pytest.raises(Conflict):
        services.recipient_end(actor=STAFF, recipient_id=printer.pk, reason="again")
    # The customer's consent, agreed while the printer was named, ends: staff must reach it by hand.
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    stop = WithdrawalDuty.objects.get(recipient=printer, kind=WithdrawalDuty.Kind.WITHDRAWAL)
    assert stop.notice_withheld == WithdrawalDuty.NoticeWithheld.RECIPIENT_INACTIVE


def test_the_dpo_ends_a_recipient_on_the_recipients_page(dpo):
    printer, insurer = make_recipient("In thẻ ABC", kind="processor"), make_recipient("Bảo hiểm")
    _narrowed_away(printer, insurer)
    browser = signed_in(dpo)

    with translation.override("en"):
        url = reverse("consents:recipient_end", args=[printer.pk])
        answer = browser.post(url, {"reason": "Contract ended"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert answer.status_code == 200
    assert not Recipient.objects.get(pk=printer.pk).active
    row = answer.content.decode().split("In thẻ ABC", 1)[1].split("</tr>", 1)[0]
    assert "Ended" in row
