"""A passport number has one normal form, stored and compared alike (`normalize_passport_number`):
upper case, spaces left out, so "b 123 4567" typed at one branch is "B1234567" typed at another."""

from __future__ import annotations

import pytest

from core.actors import Actor
from subjects import services
from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_passport_number_is_stored_without_its_spaces(db):
    subject = make_subject(national_id="", passport_number=" b 123 4567 ")
    assert DataSubject.objects.get(pk=subject.pk).passport_number == "B1234567"


def test_a_passport_number_rectified_is_stored_in_the_same_form(db):
    subject = make_subject(passport_number="C7654321")
    services.subject_rectify(
        actor=Actor.system("tests"), subject_id=subject.pk, changes={"passport_number": "ｂ１２３ ４５６７"},
        reason="Hộ chiếu mới",
    )
    assert DataSubject.objects.get(pk=subject.pk).passport_number == "B1234567"
