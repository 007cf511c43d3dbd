"""An identity check a customer started from self-service (a code sent to their phone) and left unfinished
lapses a day after its last code ran out (`IDENTITY_CHECK_LAPSES_AFTER`), by the nightly job: the check is
closed, audited, and the customer told in their language what to do to go on; their request's page says it.
Before, such a request sat waiting on an identity nobody was going to prove, the customer was never told
and the request page still said to "watch for a code"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from core.actors import actor_for_user
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.services.identity_lapse import IDENTITY_CHECK_LAPSES_AFTER, identity_checks_lapse
from integrations.delivery import render_email
from integrations.models import OutboxMessage
from notifications.models import Notification
from tests.factories import make_customer, signed_in

pytestmark = pytest.mark.django_db


def _started_and_left(user) -> DataSubjectRequest:
    request = services.request_create(
        actor=actor_for_user(user), subject=user.customer_account.subject, type="access",
        channel="internet_banking",
    )
    services.request_identity_code_send_by_customer(
        actor=actor_for_user(user), request_id=request.pk, subject=user.customer_account.subject
    )
    request.refresh_from_db()
    return request


def _lapse_notices():
    return Notification.objects.filter(topic="dsr.customer.identity_lapsed")


def test_an_abandoned_check_lapses_once_and_the_customer_is_told_what_to_do(client):
    user = make_customer()
    request = _started_and_left(user)
    too_soon = request.identity_otp_expires_at + IDENTITY_CHECK_LAPSES_AFTER - timedelta(minutes=1)
    assert identity_checks_lapse(now=too_soon) == 0

    at = request.identity_otp_expires_at + IDENTITY_CHECK_LAPSES_AFTER
    assert identity_checks_lapse(now=at) == 1
    request.refresh_from_db()
    assert request.identity_check_lapsed_at == at and request.identity_otp_hash == ""
    assert request.status == "received" and request.identity_verified_at is None
    entries = AuditEntry.objects.filter(action="dsr.request.identity_check_lapsed", target_id=str(request.pk))
    assert entries.count() == 1
    assert _lapse_notices().count() == 1
    message = OutboxMessage.objects.get(topic="dsr.customer.identity_lapsed", kind=OutboxMessage.Kind.EMAIL)
    rendered = render_email(message)
    assert "ask for a new code" in rendered.body or "yêu cầu mã mới" in rendered.body

    # The hourly job runs again: nothing more.
    assert identity_checks_lapse(now=at + timedelta(days=1)) == 0
    assert _lapse_notices().count() == 1
    assert AuditEntry.objects.filter(action="dsr.request.identity_check_lapsed").count() == 1

    client.force_login(user)
    with translation.override("en"):
        page = client.get(reverse("dsr:me_detail", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b'data-testid="identity-lapsed"' in page.content
    assert b"ask for a new code" in page.content


def test_a_new_code_after_the_lapse_starts_a_new_check_which_can_lapse_again():
    user = make_customer()
    request = _started_and_left(user)
    first = request.identity_otp_expires_at + IDENTITY_CHECK_LAPSES_AFTER
    identity_checks_lapse(now=first)
    services.request_identity_code_send_by_customer(
        actor=actor_for_user(user), request_id=request.pk, subject=user.customer_account.subject,
        now=first + timedelta(hours=1),
    )
    request.refresh_from_db()
    assert identity_checks_lapse(now=request.identity_otp_expires_at + IDENTITY_CHECK_LAPSES_AFTER) == 1
    assert _lapse_notices().count() == 2


def test_a_verified_or_closed_request_does_not_lapse():
    user = make_customer()
    request = _started_and_left(user)
    services.request_transition(actor=actor_for_user(user), request_id=request.pk, to="cancelled")
    assert identity_checks_lapse(now=request.identity_otp_expires_at + IDENTITY_CHECK_LAPSES_AFTER * 2) == 0


def test_the_batch_is_bounded():
    requests = [_started_and_left(make_customer()) for _ in range(3)]
    at = max(r.identity_otp_expires_at for r in requests) + IDENTITY_CHECK_LAPSES_AFTER
    assert identity_checks_lapse(now=at, limit=2) == 2
    assert identity_checks_lapse(now=at, limit=2) == 1
    assert identity_checks_lapse(now=at, limit=2) == 0


def test_staff_see_on_the_request_that_the_check_lapsed(dpo):
    request = _started_and_left(make_customer())
    identity_checks_lapse(now=request.identity_otp_expires_at + IDENTITY_CHECK_LAPSES_AFTER)
    with translation.override("en"):
        page = signed_in(dpo).get(reverse("dsr:detail", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b'data-testid="identity-lapsed"' in page.content


def test_a_deceased_customers_check_lapses_without_asking_them_for_a_code():
    # Their logins end with their death: "ask for a new code" is nobody's to follow, and their inbox is
    # not written to (as the consent stops' `family_readers`).
    user = make_customer()
    request = _started_and_left(user)
    subject = user.customer_account.subject
    subject.deceased_on = request.identity_otp_expires_at.date()
    subject.save(update_fields=["deceased_on"])
    assert identity_checks_lapse(now=request.identity_otp_expires_at + IDENTITY_CHECK_LAPSES_AFTER) == 1
    request.refresh_from_db()
    assert request.identity_check_lapsed_at is not None and request.identity_otp_hash == ""
    assert not _lapse_notices().exists()
    assert not OutboxMessage.objects.filter(topic="dsr.customer.identity_lapsed").exists()
    entry = AuditEntry.objects.get(action="dsr.request.identity_check_lapsed", target_id=str(request.pk))
    assert entry.data["customer_told"] is False
