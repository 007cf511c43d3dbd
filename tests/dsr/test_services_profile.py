"""A customer updates their own phone, e-mail and address: codes, attempts, the completed
rectification, its audit (no plaintext values) and the tasks every system gets."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import Conflict, InvalidInput
from dsr.contact_codes import MAX_CODES_PER_HOUR
from dsr.models import ContactChange, ContactChangeStatus, DataSubjectRequest, FulfilmentTask, IdentityMethod
from dsr.services import request_create, request_verify_identity, task_complete
from dsr.services.profile import (
    MAX_CODE_ATTEMPTS,
    address_update,
    contact_change_confirm,
    contact_change_start,
)
from dsr.states import RequestStatus
from integrations.delivery import render_email, render_sms
from integrations.models import OutboxMessage
from subjects.models import DataSubject
from tests.dsr.factories import make_inventory

pytestmark = pytest.mark.django_db

NEW_EMAIL = "moi.hon@example.vn"
NEW_PHONE = "0987654321"


def _code_sent_to(destination_part: str) -> str:
    message = next(
        m for m in OutboxMessage.objects.filter(topic__startswith="dsr.contact_code.")
        if destination_part in m.destination
    )
    return re.search(r'"code": "(\d{6})"', message.payload).group(1)


def _start(customer, field, value):
    subject = customer.customer_account.subject
    return contact_change_start(actor=actor_for_user(customer), subject=subject, field=field, value=value)


def test_new_email_is_applied_only_with_the_code_and_recorded_as_completed_rectification(customer_a):
    systems = make_inventory()
    subject = customer_a.customer_account.subject
    old_email = subject.email
    change = _start(customer_a, "email", "  Moi.Hon@Example.vn ")
    assert DataSubject.objects.get(pk=subject.pk).email == old_email  # nothing changes before the code
    assert change.value == NEW_EMAIL
    assert NEW_EMAIL not in change.code_hash
    code = _code_sent_to(NEW_EMAIL)

    request = contact_change_confirm(
        actor=actor_for_user(customer_a), subject=subject, change_id=change.pk, code=code
    )

    assert DataSubject.objects.get(pk=subject.pk).email == NEW_EMAIL
    request.refresh_from_db()
    assert request.type == "rectify" and request.status == RequestStatus.COMPLETED
    assert request.identity_method == IdentityMethod.SELF_SERVICE
    assert json.loads(request.corrections) == {"email": NEW_EMAIL}
    # Propagated like any rectification: one task per system that acts on rectifications.
    tasks = FulfilmentTask.objects.filter(request=request)
    assert {t.system.code for t in tasks} == {systems["core_banking"].code}
    assert ContactChange.objects.get(pk=change.pk).status == ContactChangeStatus.CONFIRMED
    # Audited, but no audit entry holds the old or new address in plain text.
    actions = set(AuditEntry.objects.filter(subject_id=subject.pk).values_list("action", flat=True))
    assert {"dsr.contact.code_sent", "dsr.contact.confirmed", "core.subject.rectified",
            "dsr.request.received"} <= actions
    for entry in AuditEntry.objects.all():
        dumped = json.dumps(entry.data, ensure_ascii=False)
        assert NEW_EMAIL not in dumped and old_email not in dumped
    # The system applies the change later; its task can be closed on the completed request.
    task = tasks.get()
    task_complete(actor=actor_for_user(customer_a), task_id=task.pk, result={"applied": True})
    assert FulfilmentTask.objects.get(pk=task.pk).status == "done"


def test_phone_code_goes_through_the_outbox_as_a_text_message(customer_a):
    change = _start(customer_a, "phone", "+84 987 654 321")
    assert change.value == NEW_PHONE
    message = OutboxMessage.objects.get(topic="dsr.contact_code.phone")
    assert (message.kind, message.destination) == ("sms", NEW_PHONE)
    assert _code_sent_to(NEW_PHONE) in render_sms(message)
    contact_change_confirm(
        actor=actor_for_user(customer_a), subject=customer_a.customer_account.subject,
        change_id=change.pk, code=_code_sent_to(NEW_PHONE),
    )
    assert DataSubject.objects.get(pk=change.subject_id).phone == NEW_PHONE


def test_wrong_code_changes_nothing_and_counts_until_the_change_dies(customer_a):
    subject = customer_a.customer_account.subject
    old = subject.email
    change = _start(customer_a, "email", NEW_EMAIL)
    right = _code_sent_to(NEW_EMAIL)
    wrong = "000000" if right != "000000" else "111111"
    for attempt in range(1, MAX_CODE_ATTEMPTS + 1):
        with pytest.raises(Conflict) as error:
            contact_change_confirm(actor=actor_for_user(customer_a), subject=subject, change_id=change.pk,
                                   code=wrong)
        # The attempt is counted although the call failed (committed before the error).
        assert ContactChange.objects.get(pk=change.pk).attempts == attempt
    assert error.value.code == "code_attempts_exhausted"
    assert ContactChange.objects.get(pk=change.pk).status == ContactChangeStatus.FAILED
    # Even the right code is refused now.
    with pytest.raises(Conflict):
        contact_change_confirm(actor=actor_for_user(customer_a), subject=subject, change_id=change.pk,
                               code=right)
    assert DataSubject.objects.get(pk=subject.pk).email == old
    assert not DataSubjectRequest.objects.exists()
    assert AuditEntry.objects.filter(action="dsr.contact.code_refused").count() == MAX_CODE_ATTEMPTS


def test_expired_code_is_refused(customer_a):
    subject = customer_a.customer_account.subject
    change = _start(customer_a, "email", NEW_EMAIL)
    with pytest.raises(Conflict) as error:
        contact_change_confirm(actor=actor_for_user(customer_a), subject=subject, change_id=change.pk,
                               code=_code_sent_to(NEW_EMAIL), now=timezone.now() + timedelta(minutes=11))
    assert error.value.code == "code_expired"
    assert DataSubject.objects.get(pk=subject.pk).email != NEW_EMAIL
    assert ContactChange.objects.get(pk=change.pk).status == ContactChangeStatus.EXPIRED


def test_codes_sent_are_rate_limited(customer_a):
    for n in range(MAX_CODES_PER_HOUR):
        _start(customer_a, "email", f"moi{n}@example.vn")
    with pytest.raises(Conflict) as error:
        _start(customer_a, "email", "mot.nua@example.vn")
    assert error.value.code == "too_many_codes"
    # A newer code replaced each older one: only the last is pending.
    assert ContactChange.objects.filter(status=ContactChangeStatus.PENDING).count() == 1


def test_a_code_refused_by_the_hourly_cap_is_audited_without_the_contact(customer_a):
    """As the identity code's caps are: the DPO sees the flooding of a number go on against the cap."""
    subject = customer_a.customer_account.subject
    for n in range(MAX_CODES_PER_HOUR):
        _start(customer_a, "email", f"moi{n}@example.vn")
    with pytest.raises(Conflict):
        _start(customer_a, "phone", NEW_PHONE)
    (entry,) = AuditEntry.objects.filter(action="dsr.contact.code_capped")
    assert entry.subject_id == subject.pk
    assert entry.data == {"field": "phone", "cap": "codes_per_hour"}
    assert "0987" not in json.dumps(entry.data) and "example.vn" not in json.dumps(entry.data)


def test_address_is_updated_at_once_as_a_completed_rectification(customer_a):
    make_inventory()
    subject = customer_a.customer_account.subject
    request = address_update(
        actor=actor_for_user(customer_a), subject=subject, address="12 Lý Thái Tổ, Hà Nội"
    )
    assert DataSubject.objects.get(pk=subject.pk).address == "12 Lý Thái Tổ, Hà Nội"
    assert request.status == RequestStatus.COMPLETED
    assert request.tasks.count() == 1


# ---------------------------------------------------------------- pages


def test_profile_page_flow_and_errors(client, customer_a):
    subject = customer_a.customer_account.subject
    client.force_login(customer_a)
    page = client.get(reverse("dsr:me_profile"))
    assert page.status_code == 200 and subject.email in page.content.decode()
    response = client.post(reverse("dsr:me_profile"),
                           {"phone": subject.phone, "email": NEW_EMAIL, "address": "5 Tràng Tiền"})
    assert response.status_code == 302
    assert DataSubject.objects.get(pk=subject.pk).address == "5 Tràng Tiền"
    change = ContactChange.objects.get(status="pending")
    page = client.get(reverse("dsr:me_profile")).content.decode()
    assert 'data-testid="pending-email"' in page
    url = reverse("dsr:me_profile_confirm", args=[change.pk])
    right = _code_sent_to(NEW_EMAIL)
    wrong = "000000" if right != "000000" else "111111"
    refused = client.post(url, {f"{change.pk}-code": wrong})
    assert refused.status_code == 400
    assert "Mã không đúng" in refused.content.decode()  # Vietnamese, the default language
    assert DataSubject.objects.get(pk=subject.pk).email == subject.email
    assert client.post(url, {f"{change.pk}-code": right}).status_code == 302
    assert DataSubject.objects.get(pk=subject.pk).email == NEW_EMAIL


def test_invalid_phone_is_shown_on_the_form(client, customer_a):
    client.force_login(customer_a)
    subject = customer_a.customer_account.subject
    response = client.post(reverse("dsr:me_profile"),
                           {"phone": "12", "email": subject.email, "address": ""})
    assert response.status_code == 200
    assert 'field--error' in response.content.decode()
    assert not ContactChange.objects.exists()


def test_a_customer_cannot_confirm_another_customers_change(client, customer_a, customer_b):
    change = _start(customer_a, "email", NEW_EMAIL)
    client.force_login(customer_b)
    response = client.post(reverse("dsr:me_profile_confirm", args=[change.pk]),
                           {f"{change.pk}-code": _code_sent_to(NEW_EMAIL)})
    assert response.status_code == 404
    assert DataSubject.objects.get(pk=change.subject_id).email != NEW_EMAIL
    # Each profile page shows only its own customer's details.
    page = client.get(reverse("dsr:me_profile")).content.decode()
    assert customer_b.customer_account.subject.email in page
    assert customer_a.customer_account.subject.email not in page


def test_staff_cannot_open_the_profile_page(client, privacy_officer):
    client.force_login(privacy_officer)
    assert client.get(reverse("dsr:me_profile")).status_code == 403


def test_staff_mark_the_systems_task_of_a_self_service_change_done(client, customer_a, privacy_officer):
    make_inventory()
    request = address_update(
        actor=actor_for_user(customer_a), subject=customer_a.customer_account.subject, address="1 Hàng Bài"
    )
    task = request.tasks.get()
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'data-testid="task-done"' in page
    client.post(reverse("dsr:task_done", args=[request.pk, task.pk]))
    assert FulfilmentTask.objects.get(pk=task.pk).status == "done"


def test_staff_cannot_record_the_self_service_identity_method(client, privacy_officer, subject):
    staff = actor_for_user(privacy_officer)
    request = request_create(actor=staff, subject=subject, type="access", channel="branch")
    with pytest.raises(InvalidInput):
        request_verify_identity(actor=staff, request_id=request.pk, method="self_service", reference="x")
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'value="self_service"' not in page


@pytest.mark.parametrize(("field", "new", "masked", "kind"), [
    ("phone", NEW_PHONE, "******4321", OutboxMessage.Kind.SMS),
    ("email", NEW_EMAIL, "m***@example.vn", OutboxMessage.Kind.EMAIL),
])
def test_the_old_phone_or_email_is_told_the_contact_was_changed(customer_a, field, new, masked, kind):
    """As banks do: a session thief who switches the customer's phone or e-mail is noticed, because the
    old one hears of it, in the customer's language, with the new one masked and nothing else personal."""
    subject = customer_a.customer_account.subject
    old = getattr(subject, field)
    change = _start(customer_a, field, new)
    told = OutboxMessage.objects.filter(topic=f"notifications.contact_changed.{field}")
    assert not told.exists()  # asking for a code changes nothing yet

    contact_change_confirm(
        actor=actor_for_user(customer_a), subject=subject, change_id=change.pk, code=_code_sent_to(new)
    )

    [message] = told
    assert (message.destination, message.kind) == (old, kind)
    text = render_sms(message) if kind == OutboxMessage.Kind.SMS else render_email(message).body
    assert masked in text and "Nếu không phải bạn" in text
    for personal in (new, old, subject.full_name):
        assert personal not in message.payload and personal not in text


def test_a_contact_added_where_there_was_none_tells_nobody_else(customer_a):
    subject = customer_a.customer_account.subject
    DataSubject.objects.filter(pk=subject.pk).update(phone="")  # the bank never had a phone number
    change = _start(customer_a, "phone", NEW_PHONE)
    contact_change_confirm(
        actor=actor_for_user(customer_a), subject=subject, change_id=change.pk, code=_code_sent_to(NEW_PHONE)
    )
    assert not OutboxMessage.objects.filter(topic__startswith="notifications.contact_changed").exists()
