"""Who was a ward's guardian at a past moment, read back from the audit trail (`guardianship_on`): what an
imported paper form is judged against (docs/consents.md, "Bulk import")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.actors import Actor
from subjects import services
from subjects.children import Guardianship
from subjects.selectors import guardianship_on
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def test_the_guardian_of_each_moment_through_every_change_of_guardian():
    first, second = make_subject(), make_subject()
    ward = make_subject(guardian=first, date_of_birth=None, national_id="", phone="", email="")
    services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="birth-cert-1")
    while_first = timezone.now()
    services.subject_rectify(actor=SYSTEM, subject_id=ward.pk, changes={"guardian": second})
    while_second = timezone.now()  # never verified
    services.subject_rectify(actor=SYSTEM, subject_id=ward.pk, changes={"guardian": None})
    ward.refresh_from_db()

    # A form signed before the bank registered the ward: the guardian named at registration.
    assert guardianship_on(ward, at=while_first - timedelta(days=400)) == Guardianship(first.pk, True)
    assert guardianship_on(ward, at=while_first) == Guardianship(first.pk, True)
    assert guardianship_on(ward, at=while_second) == Guardianship(second.pk, False)
    assert guardianship_on(ward, at=timezone.now()) == Guardianship(None, False)


def test_a_guardian_given_back_the_ward_counts_as_verified_only_once_verified():
    first, second = make_subject(), make_subject()
    ward = make_subject(guardian=first, date_of_birth=None, national_id="", phone="", email="")
    before_any_check = timezone.now()
    services.subject_rectify(actor=SYSTEM, subject_id=ward.pk, changes={"guardian": second})
    services.subject_rectify(actor=SYSTEM, subject_id=ward.pk, changes={"guardian": first})
    ward.refresh_from_db()
    assert guardianship_on(ward, at=before_any_check) == Guardianship(first.pk, False)

    services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="court-order-2")
    ward.refresh_from_db()

    assert guardianship_on(ward, at=before_any_check) == Guardianship(first.pk, True)


def test_a_guardian_first_named_by_a_later_correction_stands_back_to_before_it():
    """A child registered with no guardian on record, the parent added later: the paper form the parent
    signed before the correction is theirs, as a guardian named at registration stands back to before it."""
    parent, later = make_subject(), make_subject()
    ward = make_subject(date_of_birth=None, national_id="", phone="", email="")
    form_signed = timezone.now()
    services.subject_rectify(actor=SYSTEM, subject_id=ward.pk, changes={"guardian": parent})
    services.subject_guardian_verify(actor=SYSTEM, subject_id=ward.pk, evidence="birth-cert-1")
    while_parent = timezone.now()
    services.subject_rectify(actor=SYSTEM, subject_id=ward.pk, changes={"guardian": None})
    while_no_one = timezone.now()
    services.subject_rectify(actor=SYSTEM, subject_id=ward.pk, changes={"guardian": later})
    ward.refresh_from_db()

    assert guardianship_on(ward, at=form_signed) == Guardianship(parent.pk, True)
    assert guardianship_on(ward, at=while_parent) == Guardianship(parent.pk, True)
    # Once a guardian was on record and then taken off, "no one" is what the record said: not the next one.
    assert guardianship_on(ward, at=while_no_one) == Guardianship(None, False)
