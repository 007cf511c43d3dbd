"""The consent pages' switches answer as the consent check does, for every reason the check gives: one
rule (`consents.selectors.rule.decide`) over the facts each reads its own way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.selectors import consent_check, consent_switches_of
from tests.consents.factories import (
    STAFF,
    SYSTEM,
    announce_on_time,
    child_of,
    grant,
    make_purpose,
    publish_notice,
)
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _restrict(subject, kind: str, purposes=None) -> None:
    services.restrictions_apply(actor=SYSTEM, subject=subject, purposes=purposes, kind=kind, source="dsr:s")


def test_every_switch_gives_the_checks_answer():
    now = timezone.now()
    marketing = make_purpose("marketing", category="marketing", effective_at=now - timedelta(days=60))
    analytics = make_purpose("analytics", category="analytics", effective_at=now - timedelta(days=60))
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    make_purpose("card", legal_basis="contract", category="service")
    subjects = {}
    subjects["granted"] = grant(purpose=marketing).subject
    withdrawn = grant(purpose=marketing)
    services.consent_withdraw(actor=STAFF, consent_id=withdrawn.pk, channel="branch")
    subjects["withdrawn"] = withdrawn.subject
    subjects["expires"] = grant(purpose=marketing, expires_at=now + timedelta(minutes=5)).subject
    for kind in ("restrict", "object", "legal_hold"):
        subjects[kind] = grant(purpose=marketing).subject
        _restrict(subjects[kind], kind)
    subjects["other purpose objected"] = grant(purpose=marketing).subject
    _restrict(subjects["other purpose objected"], "object", [analytics])
    subjects["child"] = child_of(make_subject(), age=12)
    subjects["grown ward"] = child_of(make_subject(), age=17)
    subjects["widened"] = grant(purpose=analytics, now=now - timedelta(days=40)).subject
    retired = make_purpose("retired", category="marketing")
    subjects["no longer offered"] = grant(purpose=retired).subject
    services.purpose_update(actor=SYSTEM, code="retired", changes={"active": False})
    publish_notice("analytics", "v2", effective_at=now - timedelta(days=1), material=True,
                   now=now - timedelta(days=31))
    announce_on_time("analytics")
    later = now + timedelta(minutes=10)

    switches = consent_switches_of(list(subjects.values()), now=later)

    reasons = set()
    for name, subject in subjects.items():
        # Every purpose, those no longer offered too: the page lists their consents to withdraw.
        for switch in switches.switches[subject.pk].values():
            code = switch.purpose.code
            check = consent_check(subject_ref=subject.external_ref, purpose_code=code, now=later)
            assert (switch.answer.allowed, switch.answer.reason, switch.answer.consent) == (
                check.allowed, check.reason, check.consent
            ), (name, code)
            reasons.add(check.reason)
    assert reasons >= {"granted", "withdrawn", "expired", "restricted", "objected", "legal_hold", "child",
                       "no_consent", "reconsent_required", "legal_basis", "purpose_inactive"}
