"""Refusals are events: an explicit "no" is recorded with its proof, the check answers "refused",
and a later grant replaces it; a whole paper form is recorded in one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, ConsentEvent, ConsentStatus
from consents.receipts import consent_receipt
from consents.selectors import consent_check, consent_check_as_of
from core.errors import Conflict, InvalidInput
from tests.consents.factories import STAFF, consent_form_body, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _request(subject, purpose, **extra):
    return services.GrantRequest(
        subject=subject,
        purpose=purpose,
        notice_version=extra.pop("notice_version", "v1"),
        channel=extra.pop("channel", "paper_form"),
        evidence=extra.pop("evidence", "PF-2026-09"),
        **extra,
    )


def test_a_refusal_is_recorded_with_its_proof_and_the_check_answers_refused():
    purpose = make_purpose("sharing", category="sharing")
    subject = make_subject()
    refusal = services.consent_refuse(actor=STAFF, request=_request(subject, purpose))

    assert refusal.status == ConsentStatus.REFUSED
    assert (refusal.channel, refusal.evidence, refusal.notice.version) == ("paper_form", "PF-2026-09", "v1")
    assert refusal.events.get().kind == ConsentEvent.Kind.REFUSED
    assert AuditEntry.objects.filter(action="consents.consent.refused", target_id=str(refusal.pk)).exists()
    check = consent_check(subject_ref=subject.external_ref, purpose_code="sharing")
    assert (check.allowed, check.reason, check.consent) == (False, "refused", refusal.pk)
    receipt = consent_receipt(refusal)
    assert receipt["state"] == "refused" and receipt["refused_at"] and receipt["granted_at"] is None
    assert receipt["collection"]["evidence"] == "PF-2026-09"


def test_a_refusal_needs_the_same_proof_as_a_grant():
    purpose = make_purpose("sharing")
    subject = make_subject()
    with pytest.raises(InvalidInput) as error:
        services.consent_refuse(actor=STAFF, request=_request(subject, purpose, evidence=""))
    assert error.value.field == "evidence"
    with pytest.raises(Conflict) as error:
        services.consent_refuse(actor=STAFF, request=_request(subject, purpose, notice_version="v0"))
    assert error.value.code == "notice_outdated"
    with pytest.raises(InvalidInput) as error:
        services.consent_refuse(actor=STAFF, request=_request(subject, purpose, notice_version=""))
    assert error.value.field == "notice_version"
    assert not Consent.objects.exists()


def test_a_later_grant_supersedes_the_refusal_and_the_as_of_check_keeps_history():
    purpose = make_purpose("sharing")
    subject = make_subject()
    then = timezone.now() - timedelta(hours=2)
    services.consent_refuse(actor=STAFF, request=_request(subject, purpose), now=then)
    consent = grant(subject, purpose)

    check = consent_check(subject_ref=subject.external_ref, purpose_code="sharing")
    assert (check.allowed, check.reason, check.consent) == (True, "granted", consent.pk)
    before = consent_check_as_of(
        subject_ref=subject.external_ref, purpose_code="sharing", at=then + timedelta(minutes=1)
    )
    assert (before.allowed, before.reason) == (False, "refused")


def test_a_no_from_a_customer_with_a_live_consent_is_a_withdrawal():
    purpose = make_purpose("sharing")
    subject = make_subject()
    grant(subject, purpose)
    with pytest.raises(Conflict) as error:
        services.consent_refuse(actor=STAFF, request=_request(subject, purpose))
    assert error.value.code == "refusal_needs_withdrawal"


def _paper_form(subject, *, yes, no, no_version="v1", evidence):
    """One paper form answering yes to `yes` and no to `no` (against notice `no_version`)."""
    return services.consent_form_record(
        actor=STAFF,
        subject=subject,
        answers=[
            services.FormAnswer(purpose=yes, notice_version="v1", agreed=True),
            services.FormAnswer(purpose=no, notice_version=no_version, agreed=False),
        ],
        channel="paper_form",
        evidence=evidence,
    )


def test_a_paper_form_with_a_yes_and_a_no_is_one_transaction():
    marketing = make_purpose("marketing", category="marketing")
    sharing = make_purpose("sharing")
    subject = make_subject()
    recorded = _paper_form(subject, yes=marketing, no=sharing, evidence="PF-2026-10")
    assert [c.status for c in recorded] == ["granted", "refused"]
    assert consent_check(subject_ref=subject.external_ref, purpose_code="marketing").allowed is True
    assert consent_check(subject_ref=subject.external_ref, purpose_code="sharing").reason == "refused"

    other = make_subject()
    with pytest.raises(Conflict) as error:
        _paper_form(other, yes=marketing, no=sharing, no_version="old", evidence="PF-2026-11")
    assert error.value.purpose_code == "sharing"
    assert not Consent.objects.filter(subject=other).exists()


def test_api_records_a_refusal_and_the_check_answers_refused(as_user, officer, client_user):
    make_purpose("sharing")
    subject = make_subject()
    api = as_user(officer)
    response = api.post(
        "/api/v1/consents/",
        {
            "subject": subject.external_ref,
            "purpose": "sharing",
            "notice_version": "v1",
            "channel": "paper_form",
            "evidence": "PF-7",
            "outcome": "refused",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "refused"
    check = as_user(client_user, scopes=["consents:read"]).get(
        "/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": "sharing"}
    )
    body = check.json()
    assert (body["allowed"], body["reason"], body["consent"]) == (False, "refused", response.json()["id"])
    assert set(body) == {"allowed", "reason", "consent", "checked_at"}


def test_staff_page_records_a_paper_form_yes_and_no_with_notice_and_next_steps(client, officer):
    make_purpose("marketing", category="marketing", description_en="Offers by SMS", description_vi="Ưu đãi")
    make_purpose("sharing")
    subject = make_subject()
    client.force_login(officer)
    page = client.get(f"/en/portal/customers/{subject.pk}/consents/new/").content.decode()
    assert 'data-testid="notice-text-marketing"' in page and "Ưu đãi" in page  # the customer's language
    response = client.post(
        f"/en/portal/customers/{subject.pk}/consents/new/",
        consent_form_body({"marketing": "yes", "sharing": "no"}, channel="paper_form", evidence="PF-1"),
    )
    assert response.status_code == 302 and "/consents/recorded/" in response.url
    summary = client.get(response.url).content.decode()
    assert "Refused" in summary and "Granted" in summary
    assert f"/en/portal/customers/{subject.pk}/" in summary and 'data-testid="record-another"' in summary
    refusal = Consent.objects.get(subject=subject, purpose__code="sharing")
    receipt = client.get(f"/en/portal/consents/{refusal.pk}/receipt/").content.decode()
    # The receipt in the customer's language (Vietnamese), the way back in the staff member's.
    assert 'data-testid="back-to-customer"' in receipt and "Bạn đã từ chối mục đích này" in receipt


def test_a_no_after_a_consent_ran_out_is_recorded_without_waiting_for_the_sweep():
    """A consent past its term is no longer live (the check answers "expired"): a "no" given after it
    ran out is a refusal, not a withdrawal, even before the hourly sweep has recorded the expiry. The
    expiry is recorded first, as the sweep would, in the same transaction. A "no" dated while it still
    ran (an old paper form) is still a withdrawal's business."""
    now = timezone.now()
    purpose = make_purpose("sharing", category="sharing", effective_at=now - timedelta(days=60))
    subject = make_subject()
    old = grant(subject, purpose, now=now - timedelta(days=40), expires_at=now - timedelta(days=1))

    with pytest.raises(Conflict):
        services.consent_refuse(actor=STAFF, request=_request(subject, purpose),
                                answered_at=now - timedelta(days=2), now=now)
    old.refresh_from_db()
    assert old.status == ConsentStatus.GRANTED

    refusal = services.consent_refuse(actor=STAFF, request=_request(subject, purpose), now=now)

    old.refresh_from_db()
    # Ended when its term did, not when the refusal found it.
    assert (old.status, old.ended_at) == (ConsentStatus.EXPIRED, old.expires_at)
    assert refusal.status == ConsentStatus.REFUSED
    assert AuditEntry.objects.filter(action="consents.consent.expired", target_id=str(old.pk)).exists()
    answer = consent_check(subject_ref=subject.external_ref, purpose_code="sharing", now=now)
    assert answer.reason == "refused"
