"""A consent given or withdrawn on the phone left the customer nothing in writing: no receipt handed over
as at a branch, no message. A caller pretending to be the customer could withdraw or give a consent in
their name and the real customer would never learn of it. Each act the call centre records is now
confirmed to the customer on their channels, in their language, and audited; acts through other channels
are not (the customer saw them on their own screen, or left the branch with the receipt)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from consents import services
from consents.services.phone_confirmations import AUDIT_ACTION, TOPIC
from notifications.models import Notification
from notifications.selectors import notification_text
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _messages(subject):
    return list(Notification.objects.filter(subject_id=subject.pk, topic=TOPIC))


def test_a_withdrawal_taken_by_phone_is_confirmed_to_the_customer_in_their_language(officer):
    customer = make_subject(preferred_language="vi")
    consent = grant(customer, make_purpose("bio-phone", name_vi="Xác thực sinh trắc học"))
    with translation.override("en"):
        url = reverse("consents:staff_withdraw", args=[consent.pk])
    signed_in(officer).post(url, {"channel": "call_centre", "evidence": "CALL-778"})

    [message] = _messages(customer)
    text = notification_text(message)
    assert text.language == "vi"
    assert "Xác thực sinh trắc học" in text.title and "qua điện thoại" in text.title
    assert "Nếu Quý khách không yêu cầu" in text.body
    assert AuditEntry.objects.filter(action=AUDIT_ACTION, subject_id=str(customer.pk)).count() == 1


def test_a_consent_given_by_phone_is_confirmed_once(officer):
    customer = make_subject(preferred_language="en")
    purpose = make_purpose("mkt-phone", category="marketing")
    consent = grant(customer, purpose, channel="call_centre", evidence="CALL-1", actor=STAFF)

    [message] = _messages(customer)
    text = notification_text(message)
    assert text.title == "Consent given by phone: Purpose mkt-phone"
    assert "If you did not ask for this" in text.body
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="call_centre")
    assert len(_messages(customer)) == 2


def test_acts_at_a_branch_or_in_the_app_send_no_phone_confirmation():
    customer = make_subject()
    consent = grant(customer, make_purpose("mkt-branch", category="marketing"), channel="branch")
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    grant(customer, make_purpose("mkt-app", category="marketing"), channel="mobile_app")
    assert _messages(customer) == []
