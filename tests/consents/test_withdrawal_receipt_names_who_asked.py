"""A son asks the call centre (or the branch) to withdraw his 78-year-old mother's marketing consent on the
power of attorney the bank holds. What the mother receives said "at the request of the caller" and her
receipt page "bank staff at a branch": nothing told her who asked. Both now name him and his relationship,
in plain words in her language."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import translation

from consents import services
from consents.models import Consent, ConsentEvent
from consents.services.phone_confirmations import TOPIC
from notifications.models import Notification
from notifications.selectors import notification_text
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_representative, make_subject, signed_in

pytestmark = pytest.mark.django_db


def _withdrawn_by_son(mother, channel: str) -> tuple[Consent, object]:
    son = make_representative(mother)
    consent = grant(mother, make_purpose("mkt-son", category="marketing"))
    services.consent_withdraw(
        actor=STAFF, consent_id=consent.pk, channel=channel, evidence="CALL-9",
        asked_by="representative", representative_id=son.pk,
    )
    return consent, son


@pytest.mark.parametrize(("language", "words"), [("en", "Asked by"), ("vi", "Người yêu cầu")])
def test_the_phone_confirmation_names_who_asked_for_the_withdrawal(language, words):
    mother = make_subject(preferred_language=language)
    _consent, son = _withdrawn_by_son(mother, "call_centre")

    [message] = Notification.objects.filter(subject_id=mother.pk, topic=TOPIC)
    text = notification_text(message)

    assert text.language == language
    assert f"{words}: {son.full_name} ({son.relationship})" in text.body


def test_the_customers_receipt_page_names_who_asked_at_the_branch(customer_a):
    mother = customer_a.customer_account.subject
    consent, son = _withdrawn_by_son(mother, "branch")
    withdrawal = ConsentEvent.objects.get(consent=consent, kind="withdrawn")
    with translation.override("vi"):
        url = reverse("consents:me_receipt", args=[consent.pk])

    page = html.unescape(
        signed_in(customer_a).get(url, {"event": withdrawal.pk}).content.decode()
    )

    assert 'data-testid="receipt-recorded-by"' in page
    assert f"theo yêu cầu của {son.full_name} ({son.relationship})" in page


def test_a_withdrawal_the_customer_asked_for_herself_names_no_one_else():
    mother = make_subject(preferred_language="en")
    consent = grant(mother, make_purpose("mkt-self", category="marketing"))
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="call_centre", asked_by="customer")

    [message] = Notification.objects.filter(subject_id=mother.pk, topic=TOPIC)

    assert "Asked by" not in notification_text(message).body
