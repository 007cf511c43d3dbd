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
from subjects.models import DataSubject
from tests.consents.factories import APP, STAFF, child_of, grant, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _messages(subject):
    return list(Notification.objects.filter(subject_id=subject.pk, topic=TOPIC))


def test_a_withdrawal_taken_by_phone_is_confirmed_to_the_customer_in_their_language(officer):
    customer = make_subject(preferred_language="vi")
    consent = grant(customer, make_purpose("bio-phone", name_vi="Xác thực sinh trắc học"))
    with translation.override("en"):
        url = reverse("consents:staff_withdraw", args=[consent.pk])
    signed_in(officer).post(url, {"asked_by": "customer", "channel": "call_centre", "evidence": "CALL-778"})

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


def test_withdrawing_all_by_phone_is_confirmed_in_one_message_naming_every_purpose():
    """The API's "withdraw all" (or several) recorded by staff on the phone is one act: it sent nothing at
    all, though a single withdrawal is confirmed."""
    customer = make_subject(preferred_language="en")
    grant(customer, make_purpose("mkt-all-a", category="marketing"))
    grant(customer, make_purpose("mkt-all-b", category="marketing"))
    withdrawn = services.consents_withdraw_for_subject(actor=STAFF, subject=customer, channel="call_centre")
    assert len(withdrawn) == 2

    [message] = _messages(customer)
    text = notification_text(message)
    assert "Purpose mkt-all-a" in text.body and "Purpose mkt-all-b" in text.body
    assert "withdraw" in text.title.lower()
    assert AuditEntry.objects.filter(action=AUDIT_ACTION, subject_id=str(customer.pk)).count() == 1


def test_a_consent_form_taken_by_phone_is_confirmed_in_one_message():
    """A form answered on the phone, a "yes" to one purpose and a "no" withdrawing another, is one call:
    one message saying both, not one per purpose."""
    customer = make_subject(preferred_language="en")
    kept = make_purpose("mkt-form-yes", category="marketing")
    ended = make_purpose("mkt-form-no", category="marketing")
    grant(customer, ended)
    services.consent_form_record(
        actor=STAFF, subject=customer, channel="call_centre", evidence="CALL-9",
        answers=[
            services.FormAnswer(purpose=kept, notice_version="v1", agreed=True),
            services.FormAnswer(purpose=ended, notice_version="v1", agreed=False),
        ],
    )
    [message] = _messages(customer)
    body = notification_text(message).body
    assert "Purpose mkt-form-yes" in body and "Purpose mkt-form-no" in body


def test_a_child_under_7_is_not_written_to_when_no_guardian_acts():
    """A child under 7 reads nothing of their own: with the guardian not (or no longer) verified, the
    confirmation went to the child."""
    guardian = make_subject()
    child = child_of(guardian, age=5)
    consent = grant(child, make_purpose("svc-child"), guardian=guardian)
    DataSubject.objects.filter(pk=child.pk).update(guardian_verified_at=None)
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="call_centre")
    assert _messages(child) == []


def test_the_guardian_is_told_which_child_the_call_was_about():
    """A guardian of two children read "for the customer you act for as guardian" and could not tell
    which child's consent the caller changed; the message now names the child, as the platform's stop
    notice to a guardian does."""
    guardian = make_subject(preferred_language="en")
    child = child_of(guardian, age=10)
    child_of(guardian, age=12)
    grant(child, make_purpose("svc-ward"), guardian=guardian, child_agreed=True, child_evidence="signed",
          channel="call_centre", evidence="CALL-2", actor=STAFF)
    [message] = _messages(guardian)
    assert child.full_name in notification_text(message).body


def test_a_call_centre_act_through_an_integration_client_or_carried_over_from_a_request_sends_none():
    """The call-centre software's own token records its acts, and a withdrawal request put in force is
    told by the request's own messages: neither is confirmed a second time."""
    customer = make_subject()
    by_client = grant(customer, make_purpose("mkt-client", category="marketing"), channel="call_centre",
                      evidence="CALL-3", actor=APP)
    services.consent_withdraw(actor=APP, consent_id=by_client.pk, channel="call_centre")
    grant(customer, make_purpose("mkt-request", category="marketing"))
    services.consents_withdraw_for_subject(
        actor=STAFF, subject=customer, channel="call_centre", source="request:YC-TEST"
    )
    assert _messages(customer) == []
