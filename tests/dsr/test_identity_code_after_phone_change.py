"""A code to the registered phone proves who asks only if that phone was the customer's when they asked.
A fraudster who knows a customer's CIF files a request by phone, then talks an officer under pressure into
"updating" the phone number: before, the identity code then went to the fraudster's new number and
verified the request (a copy of the customer's data, a deletion). A phone put on the record after the
request came in is refused for the code (409 `registered_phone_changed`): the requester is verified by a
document at a branch or eKYC instead. Identity-verification review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict
from dsr import services
from integrations.models import OutboxMessage
from subjects import services as subject_services
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_no_code_goes_to_a_phone_put_on_record_after_the_request_came_in():
    now = timezone.now()
    subject = make_subject()
    request = make_request(subject, channel="call_centre", now=now - timedelta(hours=1))
    subject_services.subject_rectify(
        actor=STAFF, subject_id=subject.pk, changes={"phone": "0912345678"}, reason="caller says new number"
    )
    with pytest.raises(Conflict) as refused:
        services.request_identity_otp_send(actor=STAFF, request_id=request.pk)
    assert refused.value.code == "registered_phone_changed"
    assert not OutboxMessage.objects.filter(topic="dsr.identity_code").exists()


def test_a_phone_changed_before_the_request_still_gets_the_code():
    subject = make_subject()
    subject_services.subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": "0912345678"})
    request = make_request(subject, channel="call_centre", now=timezone.now() + timedelta(minutes=1))
    services.request_identity_otp_send(
        actor=STAFF, request_id=request.pk, now=timezone.now() + timedelta(minutes=2)
    )
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").exists()


def test_an_e_mail_changed_after_the_request_does_not_stop_the_code_to_the_phone():
    now = timezone.now()
    subject = make_subject()
    request = make_request(subject, channel="call_centre", now=now - timedelta(hours=1))
    subject_services.subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"email": "moi@example.vn"})
    services.request_identity_otp_send(actor=STAFF, request_id=request.pk)
    assert OutboxMessage.objects.filter(topic="dsr.identity_code").exists()
