"""The DPO answering an inspector ("on 3 March, was marketing by SMS allowed for this customer, under which
notice version, recorded through which channel, by whom?") reads it on one page, built from the recorded
history, not from today's state; the look-up is audited like any view of a customer's personal data."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import ConsentStatus
from consents.selectors import consent_states_at
from core.actors import Actor
from tests.consents.factories import grant, make_purpose

pytestmark = pytest.mark.django_db

CALL_CENTRE = Actor(kind="staff", user_id=None, label="agent_t")


def _history(subject):
    """Granted at the branch ten days ago, withdrawn at the call centre five days ago."""
    purpose = make_purpose("sms-marketing", category="marketing")
    now = timezone.now()
    granted_at, withdrawn_at = now - timedelta(days=10), now - timedelta(days=5)
    consent = grant(subject, purpose, now=granted_at, evidence="FORM-1")
    services.consent_withdraw(
        actor=CALL_CENTRE, consent_id=consent.pk, channel="call_centre", evidence="CALL-9", now=withdrawn_at
    )
    return purpose, consent, granted_at, withdrawn_at


def _state(subject, code, at):
    return next(row for row in consent_states_at(subject, at=at) if row.purpose.code == code)


def test_each_moment_shows_the_state_then_with_the_event_that_set_it(subject):
    purpose, consent, granted_at, withdrawn_at = _history(subject)

    before = _state(subject, purpose.code, granted_at - timedelta(minutes=1))
    assert before.status is None and before.event is None

    while_granted = _state(subject, purpose.code, granted_at + timedelta(days=1))
    assert while_granted.status == ConsentStatus.GRANTED
    assert while_granted.consent == consent
    assert while_granted.consent.notice.version == "v1"
    assert while_granted.event.channel == "branch"
    assert while_granted.event.actor_label == "officer_t"

    after = _state(subject, purpose.code, withdrawn_at + timedelta(minutes=1))
    assert after.status == ConsentStatus.WITHDRAWN
    assert after.event.channel == "call_centre"
    assert after.event.actor_label == "agent_t"
    assert after.consent.notice.version == "v1"


def test_a_term_passed_by_then_reads_expired_even_before_the_sweep_recorded_it(subject):
    purpose = make_purpose("offers", category="marketing")
    granted_at = timezone.now() - timedelta(days=10)
    consent = grant(subject, purpose, now=granted_at, expires_at=granted_at + timedelta(days=2))
    state = _state(subject, purpose.code, granted_at + timedelta(days=3))
    assert state.status == ConsentStatus.EXPIRED
    assert state.consent == consent
    assert state.ended_at == consent.expires_at


def test_the_page_answers_for_a_vietnam_time_and_is_audited(logged_in, auditor, subject):
    purpose, _consent, granted_at, _withdrawn_at = _history(subject)
    local = timezone.localtime(granted_at + timedelta(days=1), timezone.get_default_timezone())
    url = reverse("consents:staff_as_of", args=[subject.pk])
    asked = {"date": local.date().isoformat(), "time": local.strftime("%H:%M")}
    response = logged_in(auditor).get(url, asked)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-testid="as-of-{purpose.code}"' in page
    row = page[page.index(f'data-testid="as-of-{purpose.code}"'):]
    row = row[:row.index("</tr>")]
    assert "officer_t" in row and "v1" in row
    answer = row[row.index(f'data-testid="as-of-answer-{purpose.code}"'):]
    assert answer.split(">", 1)[1].startswith("Allowed")
    viewed = AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject.pk)
    assert viewed.filter(data__context="portal.consents_as_of").count() == 1


def test_a_moment_still_to_come_is_refused_with_words(logged_in, dpo, subject):
    tomorrow = timezone.localdate() + timedelta(days=2)
    url = reverse("consents:staff_as_of", args=[subject.pk])
    response = logged_in(dpo).get(url, {"date": tomorrow.isoformat(), "time": "10:00"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="core.subject.viewed", data__context="portal.consents_as_of")


def test_only_roles_that_see_consents_reach_it(logged_in, customer_a, subject):
    url = reverse("consents:staff_as_of", args=[subject.pk])
    assert logged_in(customer_a).get(url).status_code in (302, 403, 404)


def test_the_customer_page_links_to_it(logged_in, dpo, subject):
    page = logged_in(dpo).get(reverse("subjects:customer_detail", args=[subject.pk])).content.decode()
    assert reverse("consents:staff_as_of", args=[subject.pk]) in page


def test_each_purpose_says_whether_processing_was_allowed_then_by_the_check_rule(subject):
    """"Was it allowed?" is the consent check's answer at that moment (legal bases, restrictions, life
    events, re-consent), not the record's status alone: a legal obligation needs no consent."""
    purpose, _consent, granted_at, withdrawn_at = _history(subject)
    kyc = make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    moment = granted_at + timedelta(days=1)
    assert _state(subject, kyc.code, moment).answer.allowed
    assert _state(subject, kyc.code, moment).status is None
    assert _state(subject, purpose.code, moment).answer.allowed
    after = _state(subject, purpose.code, withdrawn_at + timedelta(minutes=1)).answer
    assert not after.allowed and after.reason == "withdrawn"
