"""The grant rules, enforced in the service (so by API, pages and import alike)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, ConsentEvent, ConsentState
from consents.receipts import consent_receipt
from consents.selectors import consent_check, subjects_to_ask_again
from core.errors import Conflict, InvalidInput
from tests.consents.factories import (
    STAFF,
    SYSTEM,
    announce_on_time,
    child_of,
    grant,
    make_purpose,
    make_recipient,
    publish_notice,
)
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _nothing_written():
    return (
        not Consent.objects.exists()
        and not ConsentEvent.objects.exists()
        and not ConsentState.objects.exists()
    )


def test_grant_records_proof_event_state_and_allows():
    subject, purpose = make_subject(), make_purpose("marketing", category="marketing")
    consent = grant(subject, purpose, channel="mobile_app", evidence="app-session-77")
    assert (consent.status, consent.channel, consent.evidence, consent.notice.version) == (
        "granted",
        "mobile_app",
        "app-session-77",
        "v1",
    )
    # The app records its customers' consents (staff record only what they witnessed).
    assert consent.recorded_by_label == "mobile_app_t"
    state = ConsentState.objects.get(subject=subject, purpose=purpose)
    assert state.consent_id == consent.pk and state.status == "granted"
    result = consent_check(subject_ref=subject.external_ref, purpose_code="marketing")
    assert (result.allowed, result.reason, result.consent) == (True, "granted", consent.pk)


def test_non_consent_purpose_cannot_be_consented_but_is_allowed_by_legal_basis():
    subject, kyc = make_subject(), make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    with pytest.raises(Conflict) as error:
        grant(subject, kyc)
    assert error.value.code == "not_consent_based" and "transparency" in error.value.text
    assert _nothing_written()
    assert consent_check(subject_ref=subject.external_ref, purpose_code="kyc").reason == "legal_basis"


def test_sensitive_purpose_needs_explicit_acknowledgement():
    subject, biometric = make_subject(), make_purpose("biometric", category="security", sensitive=True)
    with pytest.raises(InvalidInput) as error:
        grant(subject, biometric)
    assert error.value.field == "sensitive_acknowledged" and "sensitive" in error.value.text
    assert _nothing_written()
    assert grant(subject, biometric, sensitive_acknowledged=True).sensitive_acknowledged


def test_notice_version_must_be_current_and_material_change_asks_again():
    subject, purpose = make_subject(), make_purpose("analytics", category="analytics")
    with pytest.raises(Conflict) as error:
        grant(subject, purpose, notice_version="v0")
    assert error.value.code == "notice_outdated"
    consent = grant(subject, purpose)
    now = timezone.now()
    publish_notice(
        "analytics", "v2", effective_at=now - timedelta(minutes=1), material=True,
        now=now - timedelta(days=31),
    )
    announce_on_time("analytics")
    assert (
        consent_check(subject_ref=subject.external_ref, purpose_code="analytics").reason
        == "reconsent_required"
    )
    assert list(subjects_to_ask_again(purpose)) == [consent]
    with pytest.raises(Conflict):
        grant(subject, purpose, notice_version="v1")
    renewed = grant(subject, purpose, notice_version="v2")
    consent.refresh_from_db()
    assert consent.status == "superseded" and renewed.status == "granted"
    assert consent_check(subject_ref=subject.external_ref, purpose_code="analytics").consent == renewed.pk
    assert not subjects_to_ask_again(purpose).exists()


def test_non_material_notice_change_keeps_consent_valid():
    subject, purpose = make_subject(), make_purpose("support", category="support")
    grant(subject, purpose)
    publish_notice(
        "support", "v1.1", effective_at=timezone.now() - timedelta(minutes=1),
        now=timezone.now() - timedelta(days=8),
    )
    assert consent_check(subject_ref=subject.external_ref, purpose_code="support").allowed


def test_live_consent_twice_is_refused():
    subject, purpose = make_subject(), make_purpose()
    grant(subject, purpose)
    with pytest.raises(Conflict) as error:
        grant(subject, purpose)
    assert error.value.code == "already_granted"
    assert Consent.objects.count() == 1


def test_under_seven_only_verified_guardian_consents():
    parent = make_subject()
    child = child_of(parent, age=5)
    purpose = make_purpose("group-sharing", category="sharing")
    with pytest.raises(InvalidInput) as error:
        grant(child, purpose)
    assert error.value.field == "guardian" and "under 7" in error.value.text
    with pytest.raises(InvalidInput):
        grant(child, purpose, guardian=make_subject())
    consent = grant(child, purpose, guardian=parent)
    assert consent.guardian == parent
    unverified = child_of(parent, age=4, verified=False)
    with pytest.raises(Conflict) as error:
        grant(unverified, purpose, guardian=parent)
    assert error.value.code == "guardian_unverified"


def test_seven_to_sixteen_needs_child_and_guardian():
    parent = make_subject()
    child = child_of(parent, age=10)
    purpose = make_purpose()
    with pytest.raises(InvalidInput) as error:
        grant(child, purpose)
    assert "both the child and their guardian" in error.value.text
    # The guardian's consent alone is not enough: the child's own agreement is recorded beside it.
    with pytest.raises(InvalidInput) as error:
        grant(child, purpose, guardian=parent)
    assert error.value.field == "child_agreed"
    with pytest.raises(InvalidInput) as error:
        grant(child, purpose, guardian=parent, child_agreed=True)
    assert error.value.field == "child_agreed"
    consent = grant(
        child, purpose, guardian=parent, child_agreed=True, child_evidence="form-77 signed by child"
    )
    assert (consent.guardian_id, consent.child_agreed) == (parent.pk, True)
    receipt = consent_receipt(consent)
    assert receipt["child_agreement"] == {"agreed": True, "evidence": "form-77 signed by child"}


def test_no_child_into_marketing_and_the_check_says_child():
    parent = make_subject()
    child = child_of(parent, age=12)
    marketing = make_purpose("marketing", category="marketing")
    with pytest.raises(Conflict) as error:
        grant(child, marketing, guardian=parent)
    assert error.value.code == "child_marketing"
    assert consent_check(subject_ref=child.external_ref, purpose_code="marketing").reason == "child"
    assert _nothing_written()


def test_expiry_is_answered_at_once_and_recorded_by_the_sweep():
    subject, purpose = make_subject(), make_purpose()
    now = timezone.now()
    consent = grant(subject, purpose, expires_at=now + timedelta(days=1), now=now)
    later = now + timedelta(days=2)
    assert (
        consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code, now=later).reason
        == "expired"
    )
    assert services.consents_expire_due(now=later) == 1
    assert services.consents_expire_due(now=later) == 0
    consent.refresh_from_db()
    assert consent.status == "expired"
    assert consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code).reason == "expired"


@pytest.mark.parametrize("widened", [False, True])
def test_a_consent_past_its_expiry_is_recorded_expired_and_granted_anew_before_the_sweep(widened):
    """The page tells the customer to switch an expired consent on again: the grant must not wait for the
    hourly sweep. The old record is closed as the sweep would close it (expired, with its event and audit
    entry), never called superseded, and the new one is granted in the same transaction."""
    now = timezone.now()
    subject, purpose = make_subject(), make_purpose(effective_at=now - timedelta(days=60))
    old = grant(subject, purpose, now=now - timedelta(days=40), expires_at=now - timedelta(days=1))
    if widened:
        publish_notice(purpose.code, "v2", effective_at=now - timedelta(days=1), material=True,
                       now=now - timedelta(days=31))
        announce_on_time(purpose.code)

    new = grant(subject, purpose, now=now)

    old.refresh_from_db()
    # Ended when its term did, not when the grant found it.
    assert (old.status, old.ended_at) == ("expired", old.expires_at)
    assert new.status == "granted" and new.pk != old.pk
    assert list(old.events.values_list("kind", flat=True).order_by("at")) == ["granted", "expired"]
    expiry = AuditEntry.objects.get(action="consents.consent.expired", target_id=str(old.pk))
    assert (expiry.data["from"], expiry.data["to"], expiry.actor_label) == (
        "granted", "expired", "consents.expire_due"
    )
    assert services.consents_expire_due(now=now) == 0
    answer = consent_check(subject_ref=subject.external_ref, purpose_code=purpose.code, now=now)
    assert (answer.allowed, answer.consent) == (True, new.pk)


def test_inactive_purpose_cannot_be_granted_and_is_not_allowed():
    subject, purpose = make_subject(), make_purpose("old")
    grant(subject, purpose)
    services.purpose_update(actor=SYSTEM, code="old", changes={"active": False})
    assert consent_check(subject_ref=subject.external_ref, purpose_code="old").reason == "purpose_inactive"
    with pytest.raises(Conflict):
        grant(make_subject(), purpose)
    assert STAFF.label == "officer_t"


@pytest.mark.parametrize("channel", ["branch", "paper_form", "call_centre"])
def test_staff_and_paper_channels_need_an_evidence_reference(channel):
    subject, purpose = make_subject(), make_purpose()
    for missing in ("", "   "):
        with pytest.raises(InvalidInput) as error:
            grant(subject, purpose, channel=channel, evidence=missing)
        assert error.value.field == "evidence"
    assert _nothing_written()
    assert grant(subject, purpose, channel=channel, evidence="PF-2026-0042").evidence == "PF-2026-0042"


def test_app_consents_record_the_session_and_device():
    subject, purpose = make_subject(), make_purpose()
    consent = grant(
        subject, purpose, channel="mobile_app", evidence="", session_ref="sess-9", device="iPhone 15"
    )
    assert (consent.session_ref, consent.device) == ("sess-9", "iPhone 15")
    assert consent_receipt(consent)["collection"]["device"] == "iPhone 15"


@pytest.mark.parametrize(
    "fields",
    [
        {"category": "marketing"},
        {"sensitive": True},
        {"data_categories": ["biometric"]},
        {"cross_border": True, "destination_country": "KR"},
    ],
)
def test_without_a_date_of_birth_no_consent_to_purposes_barred_for_children(fields):
    subject = make_subject(date_of_birth=None)
    purpose = make_purpose(**fields)
    with pytest.raises(Conflict) as error:
        grant(subject, purpose, sensitive_acknowledged=True)
    assert error.value.code == "age_unknown" and error.value.status == 409
    assert _nothing_written()
    subject.adult_verified = True
    subject.save(update_fields=["adult_verified"])
    assert grant(subject, purpose, sensitive_acknowledged=True).status == "granted"


def test_without_a_date_of_birth_other_purposes_are_open():
    assert grant(make_subject(date_of_birth=None), make_purpose(category="support")).status == "granted"


def test_a_transfer_needs_consent_or_a_named_exemption():
    partner = make_recipient("Korea Partner")
    printer = make_recipient("Card printer", kind="processor")
    with pytest.raises(InvalidInput) as error:
        make_purpose(legal_basis="contract", cross_border=True, destination_country="KR")
    assert error.value.field == "transfer_exemption"
    with pytest.raises(InvalidInput) as error:
        make_purpose(legal_basis="contract", recipients=[partner])
    assert error.value.field == "transfer_exemption"
    # A processor works for the bank: no third party, no exemption needed.
    assert make_purpose(legal_basis="contract", recipients=[printer]).transfer_exemption == ""
    exempt = make_purpose(
        legal_basis="legal_obligation", recipients=[partner], transfer_exemption="legal_disclosure"
    )
    assert exempt.transfer_exemption == "legal_disclosure"
    with pytest.raises(InvalidInput) as error:
        services.purpose_update(actor=SYSTEM, code=exempt.code, changes={"transfer_exemption": ""})
    assert error.value.field == "transfer_exemption"
