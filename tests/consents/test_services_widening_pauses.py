"""A widening of a consented purpose in effect ends what the customers' consents on older versions let the
bank do (the check answers `reconsent_required`): the recipients that received the data under them must
pause too (domain notes: a processor acts only within the customer's consent; the bank makes recipients
stop within its 72 hours), through the purpose-change stops' machinery with the cause `purpose_widened`,
and are told they may resume once the customer agrees to the new version."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from consents import services
from consents.models import Consent, ConsentStatus, WithdrawalDuty
from consents.selectors import consent_check
from consents.services.widening_pauses import widening_pauses_lift, widening_pauses_lock
from integrations.models import OutboxMessage
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient, version_in_force_since
from tests.factories import UserFactory, signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


def _partner(name, url, **fields):
    return make_recipient(name, client=UserFactory(role="integration_client"), url=url, **fields)


def _widened(subject=None):
    """A sharing purpose naming the insurer, a consent to it, then a version adding a broker in force
    since an hour ago (the versions job not yet run)."""
    insurer = _partner("Bảo hiểm A", "https://insurer.example/hooks", name_en="Insurer A")
    broker = _partner("Môi giới B", "https://broker.example/hooks", name_en="Broker B")
    sharing = make_purpose(
        "sharing", category="sharing", recipients=[insurer], effective_at=timezone.now() - timedelta(days=90)
    )
    consent = grant(subject, sharing, now=timezone.now() - timedelta(days=60))
    version_in_force_since("sharing", {}, recipients=[insurer, broker], ago=timedelta(hours=1))
    return sharing, consent, insurer, broker


def _apply_and_run():
    services.purpose_versions_apply_due()
    services.scope_stops_run_queued()


def test_at_a_widenings_effect_the_recipients_of_older_consents_are_told_to_pause(subject):
    sharing, old, insurer, broker = _widened(subject)
    # Given after the widening took effect, to the new version: it covers what the bank now does.
    fresh = grant(purpose=sharing)

    _apply_and_run()

    paused = WithdrawalDuty.objects.filter(kind=WithdrawalDuty.Kind.PURPOSE_CHANGE)
    assert [(d.consent_id, d.recipient_id) for d in paused] == [(old.pk, insurer.pk)]
    assert paused.get().source == "consents.purpose_change:purpose_widened:sharing"
    (notice,) = OutboxMessage.objects.filter(endpoint=insurer.endpoint, topic="consent.withdrawn")
    payload = json.loads(notice.payload)
    assert payload["cause"] == "purpose_widened" and payload["consent"] == str(old.pk)
    assert not WithdrawalDuty.objects.filter(consent=fresh).exists()
    check = consent_check(subject_ref=subject.external_ref, purpose_code="sharing")
    assert check.reason == "reconsent_required"


def test_agreeing_to_the_new_version_tells_the_paused_recipients_they_may_resume(subject):
    sharing, old, insurer, _broker = _widened(subject)
    _apply_and_run()

    renewed = grant(subject, sharing)

    (pause,) = WithdrawalDuty.objects.filter(consent=old, kind=WithdrawalDuty.Kind.PURPOSE_CHANGE)
    assert pause.status == WithdrawalDuty.Status.CALLED_OFF
    (resume,) = OutboxMessage.objects.filter(endpoint=insurer.endpoint, topic="consent.processing_resumed")
    payload = json.loads(resume.payload)
    assert payload["cause"] == "purpose_widened" and payload["duty"] == str(pause.pk)
    assert payload["consent"] == str(renewed.pk) and payload["purposes"] == ["sharing"]
    # The superseded consent's own stop goes to no one the new consent names.
    assert not WithdrawalDuty.objects.filter(consent=old, kind=WithdrawalDuty.Kind.WITHDRAWAL).exists()
    assert consent_check(subject_ref=subject.external_ref, purpose_code="sharing").allowed is True


def test_the_customer_reads_on_their_page_why_a_recipient_was_paused(customer_a):
    subject = customer_a.customer_account.subject
    sharing, *_rest = _widened(subject)
    _apply_and_run()
    client = signed_in(customer_a)

    page = parse(client.get("/en/me/consents/").content)

    section = page.find(**{"data-testid": "recipients-told-to-stop"})
    rows = [" ".join(row.text().split()) for row in section.find_all("li")]
    assert len(rows) == 1 and "Insurer A" in rows[0], rows
    assert "now covers more than you agreed to" in rows[0] and "no longer one of" not in rows[0], rows
    # Once the customer agreed to the new version the recipient was told to resume: no pause is left.
    grant(subject, sharing)
    page = parse(client.get("/en/me/consents/").content)
    assert page.find(**{"data-testid": "recipients-told-to-stop"}) is None


def test_the_dpo_reads_a_widenings_pause_as_such_on_the_purposes_page(dpo):
    _widened()
    _apply_and_run()

    page = parse(signed_in(dpo).get("/en/portal/purposes/sharing/edit/").content)

    text = " ".join(page.find(**{"data-testid": "purpose-stops"}).text().split())
    assert "Paused until customers agree to the widened version: Insurer A" in text, text
    assert "Recipients removed" not in text, text


def test_a_successor_still_on_a_version_the_widening_outdates_resumes_no_one(subject):
    # The CSV import replaces an outgrown consent by the child's own agreement on the day they gave it,
    # which may be before the widening: that consent is outdated too (the check answers
    # `reconsent_required`), so the recipients stay paused.
    sharing, old, insurer, _broker = _widened(subject)
    _apply_and_run()
    now = timezone.now()
    with transaction.atomic():
        locked = widening_pauses_lock(old)
        Consent.objects.filter(pk=old.pk).update(status=ConsentStatus.SUPERSEDED, ended_at=now)
        successor = Consent.objects.get(pk=old.pk)
        successor.pk, successor._state.adding = uuid.uuid4(), True
        successor.status, successor.ended_at = ConsentStatus.GRANTED, None
        successor.save(force_insert=True)
        told = widening_pauses_lift(actor=STAFF, successor=successor, locked=locked, now=now)

    assert told == []
    (pause,) = WithdrawalDuty.objects.filter(consent=old, kind=WithdrawalDuty.Kind.PURPOSE_CHANGE)
    assert pause.status == WithdrawalDuty.Status.OPEN
    assert not OutboxMessage.objects.filter(topic="consent.processing_resumed").exists()
    check = consent_check(subject_ref=subject.external_ref, purpose_code="sharing")
    assert check.reason == "reconsent_required"
