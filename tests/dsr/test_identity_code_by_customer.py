"""A signed-in customer proves a request from self-service is theirs by the code sent to the phone the bank
has on record, typed on the request's own page (Decree 356: the controller verifies the requester before
answering). Before, the page only told them to "watch for a code" while the code's text message said never to
share it, not even with bank staff, and the only place a code could be typed was the staff page: the request
could be verified only by the customer breaking that rule and reading the code out to whoever phoned them,
the very habit fraudsters exploit. Only the requester (the guardian who filed for a child, else the
customer) may do it, and only by that code: a customer records no eKYC reference or document.
Identity-verification review."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.actors import actor_for_user
from core.errors import InvalidInput, NotFound
from dsr import services
from dsr.models import DataSubjectRequest, IdentityMethod
from integrations.delivery import render_sms
from integrations.models import OutboxMessage
from tests.consents.factories import child_of
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db


def _filed_from_self_service(user) -> DataSubjectRequest:
    return services.request_create(
        actor=actor_for_user(user), subject=user.customer_account.subject, type="access",
        channel="internet_banking",
    )


def _code_sent() -> str:
    return re.search(r"\b\d{6}\b", render_sms(OutboxMessage.objects.get(topic="dsr.identity_code"))).group()


def test_the_customer_asks_for_a_code_and_types_it_on_their_request_page(
    client, django_capture_on_commit_callbacks
):
    user = make_customer()
    request = _filed_from_self_service(user)
    client.force_login(user)
    page = client.get(reverse("dsr:me_detail", args=[request.pk]))
    assert b'data-testid="identity-code-send"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("dsr:me_identity_code", args=[request.pk]))
    assert sent.status_code == 302
    message = OutboxMessage.objects.get(topic="dsr.identity_code")
    assert message.destination == user.customer_account.subject.phone
    wrong = client.post(reverse("dsr:me_identity", args=[request.pk]), {"code": "12345x"})
    assert wrong.status_code == 400
    checked = client.post(reverse("dsr:me_identity", args=[request.pk]), {"code": _code_sent()})
    assert checked.status_code == 302
    request.refresh_from_db()
    assert request.identity_method == IdentityMethod.OTP_PHONE
    assert request.identity_verified_by_id == user.pk and request.status == "in_progress"
    page = client.get(reverse("dsr:me_detail", args=[request.pk]))
    assert b'data-testid="identity-code-send"' not in page.content


def test_a_wrong_code_typed_by_the_customer_is_counted_and_refused(
    client, django_capture_on_commit_callbacks
):
    user = make_customer()
    request = _filed_from_self_service(user)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dsr:me_identity_code", args=[request.pk]))
    wrong = "000000" if _code_sent() != "000000" else "111111"
    refused = client.post(reverse("dsr:me_identity", args=[request.pk]), {"code": wrong})
    assert refused.status_code == 400
    request.refresh_from_db()
    assert request.identity_verified_at is None and request.identity_otp_attempts == 1


def test_a_child_cannot_verify_the_request_their_guardian_filed():
    guardian = make_subject()
    child_user = make_customer(subject=child_of(guardian, age=12))
    request = services.request_create(
        actor=actor_for_user(make_customer(subject=guardian)), subject=child_user.customer_account.subject,
        guardian=guardian, type="access", channel="internet_banking",
    )
    with pytest.raises(NotFound):
        services.request_identity_code_send_by_customer(
            actor=actor_for_user(child_user), request_id=request.pk,
            subject=child_user.customer_account.subject,
        )
    assert not OutboxMessage.objects.filter(topic="dsr.identity_code").exists()


@pytest.mark.parametrize("method", [IdentityMethod.EKYC, IdentityMethod.BRANCH_DOCUMENTS])
def test_a_customer_records_no_ekyc_reference_or_document_for_themself(method):
    user = make_customer()
    request = _filed_from_self_service(user)
    with pytest.raises(InvalidInput) as refused:
        services.request_verify_identity(
            actor=actor_for_user(user), request_id=request.pk, method=method, reference="made-up",
            document_number=user.customer_account.subject.national_id,
        )
    assert refused.value.field == "method"
    request.refresh_from_db()
    assert request.identity_verified_at is None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_code_message_says_where_to_type_it_and_that_the_bank_never_calls_for_it(
    language, django_capture_on_commit_callbacks
):
    user = make_customer(subject=make_subject(preferred_language=language))
    request = _filed_from_self_service(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_identity_otp_send(actor=actor_for_user(user), request_id=request.pk)
    text = render_sms(OutboxMessage.objects.get(topic="dsr.identity_code"))
    with translation.override(language):
        assert str(translation.gettext("The bank never calls you to ask for it.")) in text
    assert "not even" not in text and "kể cả" not in text
