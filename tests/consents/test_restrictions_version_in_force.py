"""Once a new version of a purpose takes effect, an objection or restriction and the staff consent form
judge the purpose by that version, before the job copies it onto the purpose row (up to five minutes
later, longer while the job is down), as the consent check and a withdrawal already do."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from consents import services
from consents.models import ProcessingRestriction, Purpose
from consents.restrictions import restriction_scope
from consents.selectors import consent_check, notices_in_force_for_consent
from tests.consents.factories import SYSTEM, announce_on_time, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
IN_FORCE = NOW + timedelta(days=30, minutes=1)
WINDOW = IN_FORCE + timedelta(minutes=1)  # the version took effect; the job has not run yet


def _purpose_rebased(code: str, *, before: str, after: str, category: str = "analytics") -> Purpose:
    make_purpose(code, legal_basis=before, category=category, effective_at=NOW - timedelta(days=60))
    services.purpose_update(
        actor=SYSTEM, code=code, changes={"legal_basis": after}, effective_at=IN_FORCE, now=NOW
    )
    announce_on_time(code)
    return Purpose.objects.get(code=code)


def test_an_objection_in_the_window_after_a_move_to_consent_is_recorded_and_stops_processing():
    """The row still says contract (beyond an objection's reach): judged by it, the objection was
    dropped without a word and the check kept answering `granted` for a customer who objected."""
    purpose = _purpose_rebased("ana", before="contract", after="consent")
    consent = grant(purpose=purpose, now=WINDOW)
    customer = consent.subject

    placed = services.restrictions_apply(
        actor=SYSTEM,
        subject=customer,
        purposes=[Purpose.objects.get(code="ana")],
        kind="object",
        source="dsr.request:1",
        now=WINDOW + timedelta(minutes=1),
    )

    assert [r.purpose.code for r in placed] == ["ana"]
    assert ProcessingRestriction.objects.filter(subject=customer, lifted_at__isnull=True).count() == 1
    in_window = consent_check(
        subject_ref=customer.external_ref, purpose_code="ana", now=WINDOW + timedelta(minutes=2)
    )
    assert (in_window.allowed, in_window.reason) == (False, "objected")
    services.purpose_versions_apply_due(now=WINDOW + timedelta(minutes=5))
    after_job = consent_check(
        subject_ref=customer.external_ref, purpose_code="ana", now=WINDOW + timedelta(minutes=10)
    )
    assert (after_job.allowed, after_job.reason) == (False, "objected")


def test_in_the_window_after_a_move_to_contract_the_scope_gives_the_contract_reason():
    purpose = _purpose_rebased("svc", before="consent", after="contract", category="support")
    subject = make_subject()

    placed = services.restrictions_apply(
        actor=SYSTEM, subject=subject, purposes=[purpose], kind="restrict", source="dsr.request:2", now=WINDOW
    )

    assert placed == []
    scope = restriction_scope(kind="restrict", purposes=[purpose], now=WINDOW)
    with translation.override("en"):
        assert [(p.code, str(reason)) for p, reason in scope.not_covered] == [
            ("svc", "Your contract with the bank needs this processing; it continues.")
        ]
    # Before the version took effect the row's basis, consent, was in force: the restriction reached it.
    assert [p.code for p in restriction_scope(kind="restrict", purposes=[purpose], now=NOW).covered] == [
        "svc"
    ]


def test_the_staff_consent_form_offers_the_purposes_consent_based_by_the_version_in_force():
    _purpose_rebased("now-consent", before="contract", after="consent", category="support")
    _purpose_rebased("now-contract", before="consent", after="contract", category="support")

    in_window = {notice.purpose.code for notice in notices_in_force_for_consent(now=WINDOW)}
    before = {notice.purpose.code for notice in notices_in_force_for_consent(now=NOW)}

    assert in_window == {"now-consent"}
    assert before == {"now-contract"}
