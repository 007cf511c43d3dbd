"""A version that moves a purpose off consent (to a contract, a legal obligation...) processes every
customer's data from its date, whatever they answered. Those who consented must not be told that
nothing happens unless they consent again, nor asked for a consent the purpose no longer takes; those who
refused or withdrew are processed too, so they are told ahead like the others."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consents import services
from consents.models import NoticeAnnouncement
from consents.selectors import (
    announcements_upcoming_for_subject,
    ask_again_counts,
    consent_check,
    purposes_catalogue,
)
from consents.services.announcements import (
    announcement_ask_fresh_consent,
    announcement_send,
)
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _emails(topic: str, subject) -> list:
    mail.outbox.clear()
    for message in OutboxMessage.objects.filter(topic=topic, subject_id=subject.pk):
        outbox_deliver(message.pk, now=timezone.now() + timedelta(days=400))
    return list(mail.outbox)


@pytest.fixture
def moved_to_contract(django_capture_on_commit_callbacks):
    """A support purpose resting on consent, three customers (consented, refused, withdrew) and the version
    moving it to the contract, announced on its day and in effect since."""
    now = timezone.now() - timedelta(days=40)
    purpose = make_purpose("support", category="support", effective_at=now - timedelta(days=60))
    consented, refused = (make_subject(preferred_language="en") for _ in range(2))
    withdrew = make_subject(preferred_language="vi")
    grant(consented, purpose, now=now - timedelta(days=5))
    services.consent_refuse(
        actor=STAFF,
        request=services.GrantRequest(
            subject=refused, purpose=purpose, notice_version="v1", channel="branch", evidence="form-2"
        ),
        now=now - timedelta(days=5),
    )
    ended = grant(withdrew, purpose, now=now - timedelta(days=6))
    services.consent_withdraw(actor=STAFF, consent_id=ended.pk, channel="branch", now=now - timedelta(days=4))
    services.purpose_update(
        actor=STAFF, code="support", changes={"legal_basis": "contract"},
        effective_at=now + timedelta(days=31), now=now,
    )
    announcement = NoticeAnnouncement.objects.get()
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=announcement.send_at)
        announcement_ask_fresh_consent(
            actor=STAFF, announcement_id=announcement.pk, now=now + timedelta(days=32)
        )
    announcement.refresh_from_db()
    return announcement, consented, refused, withdrew


def test_who_consented_is_told_the_new_basis_and_never_asked_for_consent_again(moved_to_contract):
    announcement, consented, _refused, _withdrew = moved_to_contract
    assert consent_check(subject_ref=consented.external_ref, purpose_code="support").reason == "legal_basis"
    (email,) = _emails("consents.notice.announced", consented)
    assert "Contract" in email.body and "does not depend on your consent" in email.body
    assert "ask for your consent again" not in email.body and "we stop processing" not in email.body
    assert not OutboxMessage.objects.filter(topic="consents.notice.fresh_consent_requested").exists()
    assert announcement.status == NoticeAnnouncement.Status.DONE
    # Nor does the DPO's catalogue page count them among the customers to ask again.
    purposes = list(purposes_catalogue(now=timezone.now()))
    assert ask_again_counts(purposes, now=timezone.now()) == {}


def test_who_refused_or_withdrew_is_told_ahead_too(moved_to_contract):
    announcement, _consented, refused, withdrew = moved_to_contract
    for customer in (refused, withdrew):
        assert consent_check(subject_ref=customer.external_ref, purpose_code="support").allowed
    (email,) = _emails("consents.notice.announced", refused)
    assert "which you consented to" not in email.body
    assert "Contract" in email.body and "does not depend on your consent" in email.body
    (email,) = _emails("consents.notice.announced", withdrew)
    assert "mà bạn đã đồng ý" not in email.body
    assert "“Hợp đồng”" in email.body and "không phụ thuộc vào sự đồng ý" in email.body
    assert announcement.customers_told == 3


def test_who_withdrew_sees_the_coming_change_on_their_pages_too(django_capture_on_commit_callbacks):
    now = timezone.now() - timedelta(days=10)
    purpose = make_purpose("support", category="support", effective_at=now - timedelta(days=60))
    withdrew, never_asked = make_subject(), make_subject()
    ended = grant(withdrew, purpose, now=now - timedelta(days=6))
    services.consent_withdraw(actor=STAFF, consent_id=ended.pk, channel="branch", now=now - timedelta(days=4))
    services.purpose_update(
        actor=STAFF, code="support", changes={"legal_basis": "contract"},
        effective_at=now + timedelta(days=31), now=now,
    )
    announcement = NoticeAnnouncement.objects.get()
    with django_capture_on_commit_callbacks():
        announcement_send(actor=STAFF, announcement_id=announcement.pk, now=announcement.send_at)
    assert [a.pk for a in announcements_upcoming_for_subject(withdrew)] == [announcement.pk]
    assert announcements_upcoming_for_subject(never_asked) == []
