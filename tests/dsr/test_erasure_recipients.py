"""A customer's erasure reaches every recipient that may still hold their data (the agreed retention
after a withdrawal, or a consent in force until the erasure): each gets a duty to delete and a signed
notice naming only the customer's reference; the request's page lists them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents import services as consent_services
from consents.models import WithdrawalDuty
from core.actors import actor_for_user
from core.erased import REASON_ERASED
from deadlines.policy import due_at_for
from dsr import services
from dsr.sources import request_source
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.dsr.factories import approved_deletion, make_platform
from tests.factories import UserFactory
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db


def _partner(name="Partner Insurance", url="https://partner.example/hooks"):
    return make_recipient(name, client=UserFactory(role="integration_client"), url=url)


def _withdrawn_and_acknowledged(subject, partner, *, code="bancassurance", retention_months=24):
    purpose = make_purpose(code, category="sharing", recipients=[partner], retention_months=retention_months)
    consent = grant(subject, purpose, now=timezone.now() - timedelta(days=10))
    consent_services.consent_withdraw(
        actor=STAFF, consent_id=consent.pk, channel="branch", now=timezone.now() - timedelta(days=5)
    )
    duty = WithdrawalDuty.objects.get(recipient=partner)
    consent_services.duty_acknowledge(
        actor=STAFF, duty_id=duty.pk, client_user_id=partner.client_id, now=timezone.now() - timedelta(days=4)
    )


def _erased(subject, privacy_officer, dpo):
    worker = actor_for_user(privacy_officer)
    request = approved_deletion(subject, worker=worker, approver=actor_for_user(dpo))
    return services.request_complete(actor=worker, request_id=request.pk)


def _erasures(partner):
    return WithdrawalDuty.objects.filter(recipient=partner, kind=WithdrawalDuty.Kind.ERASURE)


def test_a_partner_still_holding_the_data_is_told_to_delete_it(subject, privacy_officer, dpo):
    make_platform()
    partner = _partner()
    _withdrawn_and_acknowledged(subject, partner)
    reference = subject.external_ref

    done = _erased(subject, privacy_officer, dpo)

    assert done.status in ("completed", "partially_completed")
    (duty,) = _erasures(partner)
    assert (duty.status, duty.source) == ("open", request_source(done))
    assert duty.due_at == due_at_for(
        request_type="delete", received_at=duty.received_at, subject=subject, processor_involved=True
    )
    message = OutboxMessage.objects.get(pk=duty.notice_message_id)
    payload = json.loads(message.payload)
    assert message.topic == "consent.data_erasure"
    # The customer's reference, as every notice names it, and nothing else of theirs.
    assert payload["subject"] == reference
    assert set(payload) == {
        "event",
        "duty",
        "consent",
        "subject",
        "purposes",
        "erased_at",
        "delete_by",
        "acknowledge",
    }
    assert payload["purposes"] == ["bancassurance"]
    assert AuditEntry.objects.filter(action="consents.duty.erasure_opened", subject_id=subject.pk).exists()


def test_a_partner_of_a_live_consent_is_told_to_stop_and_to_delete(subject, privacy_officer, dpo):
    make_platform()
    partner = _partner()
    grant(
        subject, make_purpose("bancassurance", category="sharing", recipients=[partner], retention_months=12)
    )

    _erased(subject, privacy_officer, dpo)

    kinds = sorted(WithdrawalDuty.objects.filter(recipient=partner).values_list("kind", flat=True))
    assert kinds == ["erasure", "withdrawal"]


def test_a_partner_that_no_longer_holds_the_data_is_not_told(subject, privacy_officer, dpo):
    make_platform()
    partner = _partner()
    # No retention: the purpose kept the data only while the consent lasted.
    _withdrawn_and_acknowledged(subject, partner, retention_months=None)

    _erased(subject, privacy_officer, dpo)

    assert not _erasures(partner).exists()


def test_the_requests_page_lists_the_partners_told_to_delete(client, subject, privacy_officer, dpo):
    make_platform()
    partner = _partner()
    _withdrawn_and_acknowledged(subject, partner)
    done = _erased(subject, privacy_officer, dpo)

    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[done.pk]))

    assert page.status_code == 200
    assert b'data-testid="erasure-notices"' in page.content
    assert partner.name.encode() in page.content


def test_staffs_note_on_a_deletion_confirmed_after_the_erasure_is_not_kept(subject, privacy_officer, dpo):
    make_platform()
    partner = _partner()
    _withdrawn_and_acknowledged(subject, partner)
    _erased(subject, privacy_officer, dpo)
    duty = _erasures(partner).get()

    consent_services.duty_acknowledge(
        actor=STAFF, duty_id=duty.pk, note="Call with Nguyễn Văn A's account officer, 12/3"
    )

    duty.refresh_from_db()
    # The customer is erased: their words do not come back through a later note; when and who stay.
    assert (duty.status, duty.acknowledgement_note) == ("acknowledged", REASON_ERASED)
    assert duty.acknowledged_by_label == STAFF.label


def test_staffs_note_on_a_stop_the_erasure_opened_is_not_kept_either(subject, privacy_officer, dpo):
    """The deletion withdraws the consents still live after it erased the notes, so their stops are
    acknowledged after the erasure: whatever the duty's kind, a note about an erased customer is not kept."""
    make_platform()
    partner = _partner()
    grant(
        subject, make_purpose("bancassurance", category="sharing", recipients=[partner], retention_months=12)
    )
    _erased(subject, privacy_officer, dpo)
    stop = WithdrawalDuty.objects.get(recipient=partner, kind=WithdrawalDuty.Kind.WITHDRAWAL)

    consent_services.duty_acknowledge(
        actor=STAFF, duty_id=stop.pk, note="Call with Nguyễn Văn A's account officer, 12/3"
    )

    stop.refresh_from_db()
    assert (stop.status, stop.acknowledgement_note) == ("acknowledged", REASON_ERASED)


def test_the_duties_page_names_the_deletion_as_its_own_kind(client, subject, privacy_officer, dpo):
    make_platform()
    partner = _partner()
    _withdrawn_and_acknowledged(subject, partner)
    _erased(subject, privacy_officer, dpo)

    client.force_login(privacy_officer)
    page = client.get(reverse("consents:duty_list") + "?kind=erasure&status=all", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert in_either_language("Delete the data (erasure)", page.content.decode())
