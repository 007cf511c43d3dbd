"""Identity verification says what was checked: a document number matching the customer record, a
code sent to the registered phone, or an eKYC reference; a mismatch is refused and the page keeps the
officer's choice. The request page offers only the actions `request_allowed_actions` allows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.selectors import request_allowed_actions
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_document_that_does_not_match_the_customer_is_refused(subject):
    request = make_request(subject)
    other = make_subject()
    with pytest.raises(InvalidInput) as error:
        services.request_verify_identity(
            actor=STAFF, request_id=request.pk, method="branch_documents", document_number=other.national_id
        )
    assert error.value.field == "document_number"
    with translation.override("en"):
        assert "does not match" in str(error.value.text)
    request.refresh_from_db()
    assert request.identity_verified_at is None and request.status == "received"


def test_a_matching_document_is_recorded_masked(subject, officer):
    request = make_request(subject)
    verified = services.request_verify_identity(
        actor=actor_for_user(officer),
        request_id=request.pk,
        method="branch_documents",
        document_type="cccd",
        document_number=" ".join([subject.national_id[:6], subject.national_id[6:]]),
    )
    assert verified.status == "in_progress"
    assert verified.identity_document_type == "cccd"
    assert verified.identity_document_masked == "•" * 9 + subject.national_id[-3:]
    audit = AuditEntry.objects.filter(action="dsr.request.identity_verified").get()
    assert subject.national_id not in str(audit.data)


def test_otp_is_sent_to_the_registered_phone_and_checked(subject, django_capture_on_commit_callbacks):
    request = make_request(subject)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_identity_otp_send(actor=STAFF, request_id=request.pk)
    message = OutboxMessage.objects.get(topic="dsr.identity_code", kind="sms")
    phone, text = message.destination, render_sms(message)
    assert phone == subject.phone
    code = re.search(r"\b\d{6}\b", text).group()
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InvalidInput):
        services.request_verify_identity(
            actor=STAFF, request_id=request.pk, method="otp_phone", otp_code=wrong
        )
    assert DataSubjectRequest.objects.get(pk=request.pk).identity_otp_attempts == 1
    with pytest.raises(InvalidInput):
        services.request_verify_identity(
            actor=STAFF,
            request_id=request.pk,
            method="otp_phone",
            otp_code=code,
            now=timezone.now() + timedelta(minutes=11),
        )
    verified = services.request_verify_identity(
        actor=STAFF, request_id=request.pk, method="otp_phone", otp_code=code
    )
    assert verified.identity_method == "otp_phone" and verified.identity_verified_at


def test_the_page_refuses_a_mismatch_keeps_the_method_and_shows_what_was_checked(client, officer, subject):
    request = make_request(subject, actor=actor_for_user(officer))
    client.force_login(officer)
    url = reverse("dsr:act", args=[request.pk, "verify"])
    other = make_subject()
    with translation.override("en"):
        url = reverse("dsr:act", args=[request.pk, "verify"])
    refused = client.post(
        url, {"method": "branch_documents", "document_type": "cmnd12", "document_number": other.national_id}
    )
    page = refused.content.decode()
    assert refused.status_code == 400 and "does not match the customer record" in page
    assert re.search(r'value="branch_documents"[^>]*checked', page)
    assert re.search(r'<option value="cmnd12" selected', page) and other.national_id in page
    # (A method this officer may record: they took the request in, so eKYC is not theirs to record.)
    no_code = client.post(url, {"method": "otp_phone", "otp_code": ""})
    assert re.search(r'value="otp_phone"[^>]*checked', no_code.content.decode())

    client.post(
        url, {"method": "branch_documents", "document_type": "cccd", "document_number": subject.national_id}
    )
    detail = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    identity = re.search(r'data-testid="identity">(.*?)</dd>', detail, re.S).group(1)
    assert subject.national_id[-3:] in identity and subject.national_id not in identity
    assert officer.get_username() in identity


def test_actions_follow_the_state_table_and_the_four_eyes_rule(officer, privacy_officer, dpo, subject):
    deletion = make_request(subject, type="delete", actor=actor_for_user(officer), now=timezone.now())
    offered = request_allowed_actions(deletion, officer)
    assert offered == {"acknowledge", "verify", "reject", "cancel", "extend"}
    services.request_verify_identity(
        actor=actor_for_user(officer),
        request_id=deletion.pk,
        method="branch_documents",
        document_number=subject.national_id,
    )
    deletion.refresh_from_db()
    actions = request_allowed_actions(deletion, officer)
    assert "complete" not in actions and "verify" not in actions and "acknowledge" not in actions
    assert "approve" in request_allowed_actions(deletion, privacy_officer)
    services.request_approve(actor=actor_for_user(privacy_officer), request_id=deletion.pk)
    deletion.refresh_from_db()
    assert "complete" not in request_allowed_actions(deletion, privacy_officer)  # approver may not complete
    assert "complete" in request_allowed_actions(deletion, dpo)
    services.request_reject(
        actor=actor_for_user(dpo), request_id=deletion.pk, reason="manifestly_unfounded", note="x"
    )
    deletion.refresh_from_db()
    assert request_allowed_actions(deletion, dpo) == frozenset()
    # Someone else's request: an officer is offered nothing to do on it.
    other = make_request(make_subject(), type="access")
    assert request_allowed_actions(other, officer) == frozenset()


def test_intake_hands_over_a_reference_and_a_printable_receipt(client, officer, subject):
    client.force_login(officer)
    with translation.override("en"):
        intake_url = reverse("dsr:intake")
    form = client.get(intake_url).content.decode()
    assert re.search(r'data-show-for="type" data-show-values="restrict object withdraw"', form)
    assert re.search(r'data-show-values="rectify" data-testid="field-new_phone"', form)
    assert "dsr/disclose.js" in form
    # The server still refuses a detail that does not belong to the type.
    refused = client.post(
        intake_url,
        {
            "subject_ref": subject.external_ref,
            "type": "access",
            "channel": "branch",
            "new_phone": "0912345678",
        },
    )
    assert refused.status_code == 200 and "rectification" in refused.content.decode()
    response = client.post(
        intake_url, {"subject_ref": subject.external_ref, "type": "access", "channel": "branch"}
    )
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/portal/requests/{request.pk}/receipt/")
    receipt = client.get(response.url).content.decode()
    assert request.reference.startswith("YC-") and request.reference in receipt
    assert 'data-print' in receipt and 'class="print-only"' in receipt
    assert timezone.localtime(request.answer_by).strftime("%d/%m/%Y") in receipt
