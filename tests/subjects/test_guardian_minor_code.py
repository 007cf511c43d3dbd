"""Naming a minor as a guardian is refused with the stable code `guardian_minor` on every path: verify,
intake and grant do, and so do registering and correcting a customer (`subject_create`,
`subject_rectify`)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from core.actors import Actor
from core.errors import InvalidInput
from subjects.services import subject_rectify
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _born(years_ago: int) -> date:
    return date(timezone.localdate().year - years_ago, 1, 1)


def test_subject_create_with_minor_guardian_has_guardian_minor_code():
    minor = make_subject(date_of_birth=_born(15))
    with pytest.raises(InvalidInput) as refused:
        make_subject(date_of_birth=_born(2), guardian=minor)
    assert refused.value.code == "guardian_minor"


def test_subject_rectify_naming_a_minor_guardian_has_guardian_minor_code():
    minor = make_subject(date_of_birth=_born(15))
    child = make_subject(date_of_birth=_born(2))
    with pytest.raises(InvalidInput) as refused:
        subject_rectify(actor=Actor.system("tests"), subject_id=child.pk, changes={"guardian": minor})
    assert refused.value.code == "guardian_minor"
