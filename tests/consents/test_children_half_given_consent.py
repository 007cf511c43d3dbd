"""From 7 to under 16 a consent needs the child AND the guardian (domain notes "People and roles";
docs/consents.md). When a correction of the date of birth shows that a consent the guardian gave alone
was in fact given for a child of 7 or more, that half-given consent is not in force: the check must not
answer "allowed" (it is stopped as the child-alone consents are, `consents_stop_for_child`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import ConsentEvent, WithdrawalDuty
from consents.selectors import consent_check
from consents.services import consent_reasons_erase
from consents.services.withdrawals import CHILD_AGREEMENT_STOP_REASON
from subjects import services as subject_services
from tests.consents.factories import STAFF, SYSTEM, child_of, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _born(age: int) -> date:
    today = timezone.localdate()
    return date(today.year - age, today.month, min(today.day, 28)) - timedelta(days=10)


def _birth_certificate_shows(subject, *, age: int) -> None:
    subject_services.subject_rectify(actor=STAFF, subject_id=subject.pk,
                                     changes={"date_of_birth": _born(age)}, reason="birth certificate")


def _allowed(subject, code: str = "savings-support") -> bool:
    return consent_check(subject_ref=subject.external_ref, purpose_code=code).allowed


def test_a_guardian_only_consent_is_not_in_force_once_the_corrected_birth_date_shows_a_child_of_ten():
    parent = make_subject()
    child = child_of(parent, age=5)  # recorded as 5: the guardian consents alone, as the law allows
    purpose = make_purpose("savings-support", category="support")
    grant(child, purpose, guardian=parent)

    # The birth certificate shows the child was 10 all along: the child's own agreement was needed.
    _birth_certificate_shows(child, age=10)

    assert _allowed(child) is False


def test_a_guardian_only_consent_for_a_ward_of_unknown_age_is_not_in_force_once_the_ward_proves_ten():
    parent = make_subject()
    ward = make_subject(guardian=parent, date_of_birth=None, national_id="", phone="", email="")
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="birth-cert-1")
    purpose = make_purpose("savings-support", category="support")
    grant(ward, purpose, guardian=parent)  # age unknown: no child's agreement asked

    _birth_certificate_shows(ward, age=10)

    assert _allowed(ward) is False


def test_the_half_given_consent_stops_as_a_withdrawal_recipients_told_and_audited_its_reason_kept():
    parent = make_subject()
    child = child_of(parent, age=5)
    purpose = make_purpose("partner-sharing", category="sharing", recipients=[make_recipient("Partner B")])
    consent = grant(child, purpose, guardian=parent)

    _birth_certificate_shows(child, age=10)

    consent.refresh_from_db()
    assert consent.status == "withdrawn"
    stop = ConsentEvent.objects.get(consent=consent, kind="withdrawn")
    assert (stop.reason, stop.source) == (CHILD_AGREEMENT_STOP_REASON, "subjects.rectified")
    assert WithdrawalDuty.objects.filter(consent=consent).count() == 1
    assert AuditEntry.objects.filter(action="consents.consent.withdrawn", subject_id=child.pk).count() == 1
    # The platform's reason is no one's words: the customer's erasure leaves it.
    assert consent_reasons_erase(subject_id=child.pk) == 0


def test_a_guardian_only_consent_stands_when_the_corrected_birth_date_keeps_the_child_under_seven_then():
    parent = make_subject()
    child = child_of(parent, age=4)
    purpose = make_purpose("savings-support", category="support")
    grant(child, purpose, guardian=parent)

    _birth_certificate_shows(child, age=6)

    assert _allowed(child)
