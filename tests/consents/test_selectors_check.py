"""The consent check: every reason, and the bulk check agreeing with the single check on each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.selectors import consent_check, consent_check_bulk
from core.errors import InvalidInput, NotFound
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


def test_every_reason_and_bulk_agrees_with_single():
    marketing = make_purpose("marketing", category="marketing")
    now = timezone.now()
    cases = {}
    cases["granted"] = grant(purpose=marketing).subject
    cases["no_consent"] = make_subject()
    withdrawn = grant(purpose=marketing)
    services.consent_withdraw(actor=STAFF, consent_id=withdrawn.pk, channel="branch")
    cases["withdrawn"] = withdrawn.subject
    cases["expired"] = grant(purpose=marketing, expires_at=now + timedelta(minutes=5)).subject
    restricted = grant(purpose=marketing).subject
    services.restrictions_apply(
        actor=SYSTEM, subject=restricted, purposes=None, kind="restrict", source="dsr:a"
    )
    cases["restricted"] = restricted
    objected = make_subject()
    services.restrictions_apply(
        actor=SYSTEM, subject=objected, purposes=[marketing], kind="object", source="dsr:b"
    )
    cases["objected"] = objected
    cases["child"] = child_of(make_subject(), age=12)
    later = now + timedelta(minutes=10)

    refs = [s.external_ref for s in cases.values()] + ["CIF-UNKNOWN"]
    bulk = consent_check_bulk(purpose_code="marketing", subject_refs=refs, now=later)
    assert bulk["CIF-UNKNOWN"] is None
    for reason, subject in cases.items():
        single = consent_check(subject_ref=subject.external_ref, purpose_code="marketing", now=later)
        assert single.reason == reason, reason
        assert single.allowed == (reason == "granted")
        assert (bulk[subject.external_ref].allowed, bulk[subject.external_ref].reason) == (
            single.allowed,
            reason,
        )


def test_reconsent_required_and_legal_basis_in_bulk_too():
    analytics = make_purpose("analytics", category="analytics")
    kyc = make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    subject = grant(purpose=analytics).subject
    publish_notice(
        "analytics", "v2", effective_at=timezone.now() - timedelta(seconds=1), material=True,
        now=timezone.now() - timedelta(days=30, seconds=2),
    )
    announce_on_time("analytics")
    assert (
        consent_check_bulk(purpose_code="analytics", subject_refs=[subject.external_ref])[
            subject.external_ref
        ].reason
        == "reconsent_required"
    )
    assert (
        consent_check_bulk(purpose_code="kyc", subject_refs=[subject.external_ref])[
            subject.external_ref
        ].reason
        == "legal_basis"
    )
    assert kyc.code == "kyc"


def test_unknown_purpose_or_subject_and_empty_bulk():
    make_purpose("marketing", category="marketing")
    with pytest.raises(NotFound):
        consent_check(subject_ref="CIF-NONE", purpose_code="marketing")
    with pytest.raises(NotFound):
        consent_check(subject_ref=make_subject().external_ref, purpose_code="nope")
    with pytest.raises(InvalidInput):
        consent_check_bulk(purpose_code="marketing", subject_refs=["", "  "])


def test_check_is_one_query_and_decrypts_nothing(django_assert_num_queries, monkeypatch):
    from encrypted_model_fields import fields

    subject = grant(purpose=make_purpose("marketing", category="marketing")).subject
    consent_check(subject_ref=subject.external_ref, purpose_code="marketing")  # warm the catalogue cache

    def no_decrypt(*args, **kwargs):
        raise AssertionError("the consent check decrypted a value")

    monkeypatch.setattr(fields, "decrypt_str", no_decrypt)
    with django_assert_num_queries(1):
        assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").allowed
