"""Every change of a customer's phone or e-mail, whoever makes it (staff rectifying the record, an
integration client through the API, a rectification request answered, the customer in self-service),
tells the old phone or e-mail once: the new one masked, in the customer's language, nothing else
personal. A session thief or an insider who switches the contact is noticed."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from core.actors import actor_for_user
from dsr import services as dsr_services
from dsr.services.profile import contact_change_confirm, contact_change_start
from integrations.delivery import render_email, render_sms
from integrations.models import OutboxMessage
from subjects.models import DataSubject
from subjects.services import subject_rectify, subject_rectify_in_transaction
from tests.dsr.factories import STAFF, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _told():
    return OutboxMessage.objects.filter(topic__contains="contact_changed")


def _text(message: OutboxMessage) -> str:
    return render_sms(message) if message.kind == OutboxMessage.Kind.SMS else render_email(message).body


def _nothing_personal(message: OutboxMessage, subject: DataSubject, *values: str) -> None:
    text = _text(message)
    for personal in (*values, subject.full_name, subject.national_id):
        assert personal not in message.payload and personal not in text


def test_staff_changing_the_phone_tells_the_old_phone_once_in_the_customers_language():
    subject = make_subject(preferred_language="en")
    old = subject.phone

    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": "0912 345 678"}, reason="branch")

    [message] = _told()
    assert (message.destination, message.kind) == (old, OutboxMessage.Kind.SMS)
    text = _text(message)
    assert "*****5678" in text and "Not you?" in text
    _nothing_personal(message, subject, old, "0912345678")


def test_an_api_patch_of_the_email_tells_the_old_address(as_user, privacy_officer, subject):
    old = subject.email

    response = as_user(privacy_officer).patch(
        f"/api/v1/subjects/{subject.pk}/", {"email": "moi.hon@example.vn"}, format="json"
    )

    assert response.status_code == 200, response.content
    [message] = _told()
    assert (message.destination, message.kind) == (old, OutboxMessage.Kind.EMAIL)
    text = _text(message)
    assert "m***@example.vn" in text and "Nếu không phải bạn" in text
    _nothing_personal(message, subject, old, "moi.hon@example.vn")


def test_a_rectification_request_answered_tells_the_old_phone(subject):
    old = subject.phone
    request = verified_request(subject, type="rectify", corrections={"phone": "0909 000 111"})

    dsr_services.request_complete(actor=STAFF, request_id=request.pk)

    [message] = _told()
    assert (message.destination, message.kind) == (old, OutboxMessage.Kind.SMS)
    _nothing_personal(message, subject, old, "0909000111")


def test_the_same_contact_differently_written_or_another_field_tells_nobody(subject):
    spaced = f"{subject.phone[:4]} {subject.phone[4:7]} {subject.phone[7:]}"
    subject_rectify(
        actor=STAFF, subject_id=subject.pk, changes={"phone": spaced, "email": subject.email.upper()}
    )
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"address": "1 Tràng Tiền, Hà Nội"})

    assert not _told().exists()


def test_a_contact_given_where_there_was_none_tells_nobody():
    subject = make_subject(email="")

    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"email": "moi.hon@example.vn"})

    assert not _told().exists()


def test_nothing_is_queued_when_the_rectification_rolls_back(subject):
    with pytest.raises(RuntimeError), transaction.atomic():
        subject_rectify_in_transaction(actor=STAFF, subject_id=subject.pk, changes={"phone": "0912345678"})
        raise RuntimeError("the caller's transaction fails after the rectification")

    assert not _told().exists()
    assert DataSubject.objects.get(pk=subject.pk).phone == subject.phone


def test_both_contacts_changed_at_once_tell_each_old_one(customer_a, privacy_officer):
    subject = customer_a.customer_account.subject
    old_phone, old_email = subject.phone, subject.email

    subject_rectify(
        actor=actor_for_user(privacy_officer), subject_id=subject.pk,
        changes={"phone": "0912345678", "email": "moi.hon@example.vn"},
    )

    assert sorted(_told().values_list("destination", "kind")) == sorted(
        [(old_phone, OutboxMessage.Kind.SMS), (old_email, OutboxMessage.Kind.EMAIL)]
    )


def test_a_contact_removed_tells_the_old_one_so_a_remove_then_add_is_noticed(subject):
    old = subject.email

    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"email": ""})
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"email": "moi.hon@example.vn"})

    [message] = _told()
    assert message.destination == old
    assert "đã bị xóa khỏi hồ sơ" in _text(message)


def test_a_self_service_change_tells_the_old_phone_exactly_once(customer_a):
    subject = customer_a.customer_account.subject
    old = subject.phone
    actor = actor_for_user(customer_a)
    change = contact_change_start(actor=actor, subject=subject, field="phone", value="0912345678")
    code = re.search(
        r'"code": "(\d{6})"', OutboxMessage.objects.get(topic="dsr.contact_code.phone").payload
    ).group(1)

    contact_change_confirm(actor=actor, subject=subject, change_id=change.pk, code=code)

    [message] = _told()
    assert (message.destination, message.kind) == (old, OutboxMessage.Kind.SMS)
