"""Restrictions and objections stop processing through the consent check, and lift cleanly."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import ProcessingRestriction
from consents.restrictions import restriction_scope
from consents.selectors import consent_check, consent_check_bulk
from core.errors import InvalidInput
from tests.consents.factories import SYSTEM, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_blanket_objection_reaches_only_purposes_whose_basis_allows_it():
    subject = make_subject()
    marketing = make_purpose("marketing", category="marketing")
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    make_purpose("card-auth", legal_basis="contract", category="service")
    grant(subject, marketing)

    services.restrictions_apply(
        actor=SYSTEM, subject=subject, purposes=None, kind="object", source="dsr.request:1"
    )

    refused = consent_check(subject_ref=subject.external_ref, purpose_code="marketing")
    assert (refused.allowed, refused.reason) == (False, "objected")
    # Law 91 Art. 9: an objection never stops what the law requires or a contract needs.
    for code in ("kyc", "card-auth"):
        result = consent_check(subject_ref=subject.external_ref, purpose_code=code)
        assert (result.allowed, result.reason) == (True, "legal_basis")
        bulk = consent_check_bulk(purpose_code=code, subject_refs=[subject.external_ref])
        assert bulk[subject.external_ref].allowed


def test_a_named_legal_obligation_purpose_is_not_restricted_and_the_reason_is_given():
    subject = make_subject()
    marketing = make_purpose("marketing", category="marketing")
    kyc = make_purpose("kyc", legal_basis="legal_obligation", category="compliance")

    placed = services.restrictions_apply(
        actor=SYSTEM, subject=subject, purposes=[marketing, kyc], kind="restrict", source="dsr.request:9"
    )

    assert [r.purpose.code for r in placed] == ["marketing"]
    assert consent_check(subject_ref=subject.external_ref, purpose_code="kyc").allowed
    scope = restriction_scope(kind="restrict", purposes=[marketing, kyc], now=timezone.now())
    assert [p.code for p in scope.covered] == ["marketing"]
    assert [(p.code, str(label)) for p, label in scope.not_covered] == [
        ("kyc", "The law requires this processing (legal obligation); it continues.")
    ]


def test_objection_to_one_purpose_leaves_others_and_wins_over_restriction():
    subject = make_subject()
    marketing = make_purpose("marketing", category="marketing")
    analytics = make_purpose("analytics", category="analytics")
    grant(subject, marketing)
    grant(subject, analytics)
    services.restrictions_apply(
        actor=SYSTEM, subject=subject, purposes=[marketing], kind="object", source="dsr.request:2"
    )
    services.restrictions_apply(
        actor=SYSTEM, subject=subject, purposes=None, kind="restrict", source="dsr.request:3"
    )

    assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").reason == "objected"
    assert consent_check(subject_ref=subject.external_ref, purpose_code="analytics").reason == "restricted"

    assert services.restrictions_lift(actor=SYSTEM, source="dsr.request:3") == 1
    assert consent_check(subject_ref=subject.external_ref, purpose_code="analytics").allowed
    assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").reason == "objected"


def test_apply_twice_from_same_source_keeps_one_and_lift_is_idempotent():
    subject = make_subject()
    purpose = make_purpose()
    first = services.restrictions_apply(
        actor=SYSTEM, subject=subject, purposes=[purpose], kind="object", source="dsr.request:9"
    )
    again = services.restrictions_apply(
        actor=SYSTEM, subject=subject, purposes=[purpose], kind="object", source="dsr.request:9"
    )
    assert [r.pk for r in first] == [r.pk for r in again]
    assert ProcessingRestriction.objects.count() == 1
    assert AuditEntry.objects.filter(action="consents.restriction.applied").count() == 1
    assert services.restrictions_lift(actor=SYSTEM, source="dsr.request:9") == 1
    assert services.restrictions_lift(actor=SYSTEM, source="dsr.request:9") == 0


def test_in_transaction_variant_joins_callers_transaction():
    subject = make_subject()
    with transaction.atomic():
        services.restrictions_apply_in_transaction(
            actor=SYSTEM, subject=subject, purposes=None, kind="restrict", source="dsr.request:5"
        )
        services.restrictions_lift_in_transaction(actor=SYSTEM, source="dsr.request:5")
    assert ProcessingRestriction.objects.get().lifted_at is not None


@pytest.mark.parametrize("kind,source", [("freeze", "dsr.request:1"), ("object", ""), ("object", "x" * 101)])
def test_bad_input_is_refused_and_writes_nothing(kind, source):
    subject = make_subject()
    with pytest.raises(InvalidInput):
        services.restrictions_apply(actor=SYSTEM, subject=subject, purposes=None, kind=kind, source=source)
    assert not ProcessingRestriction.objects.exists()
