"""`subject_rectify_in_transaction` reads the caller's `changes`; it does not change them (the guardian
was popped out of the caller's dict, so a caller reusing it, to retry or to audit, lost the guardian)."""

from __future__ import annotations

import pytest
from django.db import transaction

from core.actors import Actor
from subjects import services
from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def test_the_callers_changes_are_left_as_given():
    guardian = make_subject()
    ward = make_subject(date_of_birth=None, national_id="", phone="", email="")
    changes = {"guardian": guardian, "address": "12 Phố Huế, Hà Nội"}
    given = dict(changes)

    with transaction.atomic():
        services.subject_rectify_in_transaction(actor=SYSTEM, subject_id=ward.pk, changes=changes)

    assert changes == given
    stored = DataSubject.objects.get(pk=ward.pk)
    assert (stored.guardian_id, stored.address) == (guardian.pk, "12 Phố Huế, Hà Nội")
