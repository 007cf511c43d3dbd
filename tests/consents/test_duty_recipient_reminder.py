"""A recipient that has not confirmed its duty as its deadline nears is reminded once, itself: its webhook
is sent the notice again marked as a reminder, and its contact an e-mail in the recipient's language.
Staff were reminded (the deadline sweep) and the DPO could redeliver by hand, but the recipient was never
reminded: a lost or ignored notice ran into a breach of the 72 hours unseen by the one that must act."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from consents import services
from consents.models import Recipient, WithdrawalDuty
from consents.services.duty_reminders import RECIPIENT_REMINDED_BEFORE, duties_remind_recipients
from integrations.delivery import render_email
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import UserFactory, make_subject, signed_in

pytestmark = pytest.mark.django_db


def _duty(*, contact_email: str = "", language: str = "vi", hooked: bool = True) -> WithdrawalDuty:
    client = UserFactory(role="integration_client") if hooked else None
    url = "https://partner.example/hooks" if hooked else None
    partner = make_recipient("Partner", client=client, url=url)
    partner.contact_email, partner.language = contact_email, language
    partner.save(update_fields=["contact_email", "language"])
    consent = grant(make_subject(), make_purpose("sharing", category="sharing", recipients=[partner]))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    return WithdrawalDuty.objects.get(consent=consent)


def _reminders():
    return OutboxMessage.objects.filter(dedupe_key__startswith="duty-reminder:")


def test_an_unconfirmed_duty_is_reminded_once_by_webhook_and_email_in_the_recipients_language():
    duty = _duty(contact_email="privacy@partner.example", language="en")
    at = duty.due_at - RECIPIENT_REMINDED_BEFORE + timedelta(minutes=1)

    assert duties_remind_recipients(now=at) == 1

    webhook = _reminders().get(kind=OutboxMessage.Kind.WEBHOOK)
    payload = json.loads(webhook.payload)
    assert payload["reminder"] is True and payload["duty"] == str(duty.pk)
    assert payload["acknowledge"].endswith(f"/withdrawal-duties/{duty.pk}/acknowledge/")
    email = _reminders().get(kind=OutboxMessage.Kind.EMAIL)
    assert email.destination == "privacy@partner.example"
    rendered = render_email(email)
    assert rendered.subject.startswith("Reminder: Stop processing (withdrawal)")
    assert str(duty.pk) in rendered.body and duty.subject.external_ref not in rendered.body
    duty.refresh_from_db()
    assert duty.reminded_at == at
    entry = AuditEntry.objects.get(action="consents.duty.reminded")
    assert entry.data["channels"] == ["email", "webhook"]

    # The beat job runs again: nothing more is sent, nothing more recorded.
    assert duties_remind_recipients(now=at + timedelta(hours=1)) == 0
    assert _reminders().count() == 2
    assert AuditEntry.objects.filter(action="consents.duty.reminded").count() == 1


def test_no_reminder_before_the_point_nor_after_the_confirmation():
    duty = _duty(contact_email="privacy@partner.example")
    assert duties_remind_recipients(now=duty.due_at - RECIPIENT_REMINDED_BEFORE - timedelta(minutes=1)) == 0
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="letter 12")
    assert duties_remind_recipients(now=duty.due_at + timedelta(hours=1)) == 0
    assert not _reminders().exists()


def test_a_recipient_reached_only_by_email_is_reminded_by_email_and_a_late_duty_too():
    duty = _duty(contact_email="privacy@partner.example", hooked=False)
    assert duties_remind_recipients(now=duty.due_at + timedelta(hours=2)) == 1
    assert list(_reminders().values_list("kind", flat=True)) == [OutboxMessage.Kind.EMAIL]


def test_a_recipient_with_no_way_to_remind_is_left_to_staff():
    duty = _duty(hooked=False)
    assert duties_remind_recipients(now=duty.due_at) == 0
    duty.refresh_from_db()
    assert duty.reminded_at is None


def test_the_batch_is_bounded():
    first, second = _duty(contact_email="a@partner.example"), None
    partner = first.recipient
    consent = grant(make_subject(), first.consent.purpose)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    second = WithdrawalDuty.objects.get(consent=consent)
    at = max(first.due_at, second.due_at)
    assert duties_remind_recipients(now=at, limit=1) == 1
    assert duties_remind_recipients(now=at, limit=1) == 1
    assert duties_remind_recipients(now=at, limit=1) == 0
    assert partner.duties.filter(reminded_at__isnull=False).count() == 2


def test_the_dpo_sees_on_the_duty_that_it_was_reminded(dpo):
    duty = _duty(contact_email="privacy@partner.example")
    duties_remind_recipients(now=duty.due_at - timedelta(hours=1))
    with translation.override("en"):
        page = signed_in(dpo).get(reverse("consents:duty_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="duty-reminded"' in page
    assert "Recipient reminded" in page


def test_staff_give_the_recipients_contact_and_language_when_adding_it(dpo):
    page = signed_in(dpo).post(reverse("consents:recipient_list"), {
        "name": "Bảo hiểm A", "kind": "partner", "country": "VN", "contact_email": "privacy@a.example",
        "language": "en",
    })
    assert page.status_code == 302
    recipient = Recipient.objects.get(name="Bảo hiểm A")
    assert (recipient.contact_email, recipient.language) == ("privacy@a.example", "en")


def test_the_dpo_sets_an_existing_recipients_contact_and_language_for_reminders(dpo):
    recipient = make_recipient("Bảo hiểm B")
    address = reverse("consents:recipient_contact", args=[recipient.pk])
    page = signed_in(dpo).post(address, {"contact_email": "privacy@b.example", "language": "en"})
    assert page.status_code == 302
    recipient.refresh_from_db()
    assert (recipient.contact_email, recipient.language) == ("privacy@b.example", "en")
    entry = AuditEntry.objects.get(action="consents.recipient.contact_changed")
    assert entry.data == {"contact_email": True, "language": {"before": "vi", "after": "en"}}
    refused = signed_in(dpo).post(address, {"contact_email": "not an address", "language": "vi"})
    assert b'aria-invalid="true"' in refused.content
    recipient.refresh_from_db()
    assert recipient.contact_email == "privacy@b.example" and recipient.language == "en"


def test_a_refused_contact_answers_400_and_changes_nothing(dpo):
    recipient = make_recipient("Bảo hiểm C")
    address = reverse("consents:recipient_contact", args=[recipient.pk])
    refused = signed_in(dpo).post(address, {"contact_email": "not an address", "language": "vi"})
    assert refused.status_code == 400
    assert b'aria-invalid="true"' in refused.content
    recipient.refresh_from_db()
    assert recipient.contact_email == ""


@pytest.mark.parametrize(("language", "zone"), [("en", "Vietnam time"), ("vi", "giờ Việt Nam")])
def test_the_reminder_names_the_time_zone_of_its_deadline(language, zone):
    # A recipient abroad reads the hour: the e-mail says in which time zone it is.
    duty = _duty(contact_email="privacy@partner.example", language=language, hooked=False)
    duties_remind_recipients(now=duty.due_at - timedelta(hours=1))
    rendered = render_email(_reminders().get(kind=OutboxMessage.Kind.EMAIL))
    assert zone in rendered.body


def test_a_duty_whose_reminder_reached_no_one_is_reminded_by_email_once_an_address_is_given():
    """The endpoint no longer took the notice (its body purged, its topic switched off): the reminder went
    through no channel, yet the duty read as reminded, so the e-mail address staff then gave was never
    used for it. Reminded once per channel that reached the recipient: the address given, it is."""
    duty = _duty()
    OutboxMessage.objects.filter(pk=duty.notice_message_id).update(payload="")
    at = duty.due_at - RECIPIENT_REMINDED_BEFORE + timedelta(minutes=1)
    duties_remind_recipients(now=at)
    duty.refresh_from_db()
    assert duty.reminder_channels == [] and not _reminders().exists()

    services.recipient_contact_set(actor=STAFF, recipient_id=duty.recipient_id,
                                   contact_email="privacy@partner.example", language="vi")

    assert duties_remind_recipients(now=at + timedelta(hours=1)) == 1
    assert list(_reminders().values_list("kind", flat=True)) == [OutboxMessage.Kind.EMAIL]
    duty.refresh_from_db()
    assert duty.reminder_channels == ["email"] and duty.reminded_at == at + timedelta(hours=1)
    assert duties_remind_recipients(now=at + timedelta(hours=2)) == 0
