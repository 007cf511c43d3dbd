"""A guardian is an adult with full capacity (Civil Code 2015 Art. 49): one a correction shows to be
under 18, or under guardianship themselves, acts for no ward, whatever was verified before."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent
from core.errors import Conflict, InvalidInput
from subjects import services as core_services
from subjects.children import GUARDIAN_MINOR, guardian_not_acting
from subjects.models import DataSubject
from subjects.selectors import wards_verified
from tests.consents.factories import STAFF, child_of, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _fifteen_years_ago() -> date:
    today = timezone.localdate()
    return date(today.year - 15, 1, 1)


def test_a_guardian_corrected_to_fifteen_no_longer_acts_and_the_wards_are_unverified():
    guardian = make_subject()
    child = child_of(guardian, age=5)
    purpose = make_purpose("svc-kid", category="service")

    core_services.subject_rectify(actor=STAFF, subject_id=guardian.pk,
                                  changes={"date_of_birth": _fifteen_years_ago()}, reason="ID card")

    guardian.refresh_from_db()
    child.refresh_from_db()
    assert child.guardian_verified_at is None
    entry = AuditEntry.objects.get(action="core.subject.guardian_unverified")
    assert entry.subject_id == child.pk and entry.data["guardian"] == str(guardian.pk)
    assert list(wards_verified(guardian)) == []
    with pytest.raises((InvalidInput, Conflict)):
        grant(child, purpose, guardian=guardian)
    assert not Consent.objects.filter(subject=child).exists()


def test_a_guardian_under_eighteen_on_record_does_not_act_even_if_verified():
    guardian = make_subject()
    child = child_of(guardian, age=5)
    purpose = make_purpose("svc-kid", category="service")
    # A date of birth stored before the rule (no rectification ran): the verification still stands.
    guardian.date_of_birth = _fifteen_years_ago()
    guardian.save(update_fields=["date_of_birth"])
    child = DataSubject.objects.get(pk=child.pk)
    assert child.guardian_verified_at is not None

    assert guardian_not_acting(child, guardian, on=timezone.localdate()) == GUARDIAN_MINOR
    assert list(wards_verified(guardian)) == []
    with pytest.raises(InvalidInput) as refused:
        grant(child, purpose, guardian=guardian)
    assert refused.value.field == "guardian"
    assert not Consent.objects.filter(subject=child).exists()


def test_a_guardian_placed_under_guardianship_no_longer_acts():
    guardian = make_subject()
    child = child_of(guardian, age=5)

    core_services.subject_rectify(actor=STAFF, subject_id=guardian.pk,
                                  changes={"guardian": make_subject()}, reason="court decision")

    child.refresh_from_db()
    assert child.guardian_verified_at is None
    assert list(wards_verified(guardian)) == []


def test_staff_cannot_verify_a_guardian_under_eighteen():
    guardian = make_subject()
    child = child_of(guardian, age=5, verified=False)
    guardian.date_of_birth = _fifteen_years_ago()
    guardian.save(update_fields=["date_of_birth"])

    with pytest.raises(InvalidInput) as refused:
        core_services.subject_guardian_verify(actor=STAFF, subject_id=child.pk, evidence="birth-cert-2")

    assert refused.value.field == "guardian"
    child.refresh_from_db()
    assert child.guardian_verified_at is None


def test_a_correction_that_keeps_the_guardian_adult_leaves_the_wards_verified():
    guardian = make_subject()
    child = child_of(guardian, age=5)

    core_services.subject_rectify(actor=STAFF, subject_id=guardian.pk,
                                  changes={"date_of_birth": date(1979, 5, 5)}, reason="ID card")

    child.refresh_from_db()
    assert child.guardian_verified_at is not None
    assert list(wards_verified(guardian)) == [child]
