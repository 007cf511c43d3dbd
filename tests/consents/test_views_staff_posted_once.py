"""A double-submitted consent form or withdrawal records once: the consent report counts one refusal
(reviewer's finding 5), and the second click is told the form was already recorded, not refused."""
from __future__ import annotations

import pytest

from consents.models import Consent, ConsentEvent, ConsentStatus
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields, in_either_language

pytestmark = pytest.mark.django_db
ALREADY = "This form had already been sent. It is recorded once; nothing was recorded again."


def test_consent_form_with_a_no_posted_twice_records_one_refusal(officer):
    subject = make_subject()
    make_purpose("sharing", category="sharing", recipients=[make_recipient("Bảo hiểm Đối tác")])
    client = signed_in(officer)
    url = f"/en/portal/customers/{subject.pk}/consents/new/"
    form = {**hidden_fields(client.get(url).content), "answer_sharing": "no",
        "answered_by": "customer", "notice_given": "read_out",
        "channel": "call_centre",
            "evidence": "REC-2026-0001"}
    client.post(url, form)
    client.post(url, form)  # double click / Back + submit: the same form again
    assert Consent.objects.filter(subject=subject, status=ConsentStatus.REFUSED).count() == 1
    assert ConsentEvent.objects.filter(subject_id=subject.pk, kind="refused").count() == 1


def test_consent_form_with_a_yes_posted_twice_lands_on_the_receipt_once_recorded(officer):
    subject = make_subject()
    make_purpose("marketing")
    client = signed_in(officer)
    url = f"/en/portal/customers/{subject.pk}/consents/new/"
    form = {**hidden_fields(client.get(url).content), "answer_marketing": "yes",
        "answered_by": "customer", "notice_given": "read_out",
        "channel": "branch",
            "evidence": "FORM-0001"}
    first = client.post(url, form)
    again = client.post(url, form, follow=True)
    assert again.redirect_chain[0][0] == first["Location"]
    assert in_either_language(ALREADY, again.content.decode())
    assert ConsentEvent.objects.filter(subject_id=subject.pk, kind="granted").count() == 1


def test_a_withdrawal_posted_twice_is_recorded_once_and_not_refused(officer):
    subject = make_subject()
    consent = grant(subject, make_purpose("marketing"))
    client = signed_in(officer)
    url = f"/en/portal/consents/{consent.pk}/withdraw/"
    form = {
        **hidden_fields(client.get(url).content),
        "asked_by": "customer", "channel": "call_centre",
        "evidence": "CALL-1",
        "reason": "Khách gọi điện",
    }
    client.post(url, form)
    again = client.post(url, form, follow=True)
    assert in_either_language(ALREADY, again.content.decode())
    assert "flash--error" not in again.content.decode()
    assert ConsentEvent.objects.filter(subject_id=subject.pk, kind="withdrawn").count() == 1
