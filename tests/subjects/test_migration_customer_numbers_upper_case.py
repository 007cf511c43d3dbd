"""Migration subjects 0003: customer numbers (CIF) registered in lower case are given in upper case,
unless the upper-case number is already another customer's (then the row stays, and its id is logged);
numbers a DPO let share a citizen ID likewise. It runs on the models as they stood before it (the
historical registry, as `migrate` gives it) and on today's."""

from __future__ import annotations

import importlib
import logging

import pytest

from subjects.models import DataSubject, NationalIdShare
from tests.consents.factories import STAFF
from tests.factories import make_subject
from tests.migrations import imports_of_others, registries_after

pytestmark = pytest.mark.django_db

migration = importlib.import_module("subjects.migrations.0003_customer_numbers_in_upper_case")


migration_apps = registries_after(migration.Migration.dependencies)


def test_the_migration_imports_nothing_of_the_project():
    assert imports_of_others(migration) == []


def _stored_as(subject, ref: str) -> None:
    DataSubject.objects.filter(pk=subject.pk).update(external_ref=ref)


def test_lower_case_numbers_become_upper_case_unless_another_customer_holds_it(migration_apps, caplog):
    alone, twin, upper = make_subject(), make_subject(), make_subject(external_ref="CIFX000900")
    _stored_as(alone, "cifx000901")
    _stored_as(twin, "cifx000900")
    share = NationalIdShare.objects.create(subject=upper, external_ref="cifx000902", reason="one person",
                                           linked_by_label=STAFF.label, linked_at=upper.created_at)
    name = alone.full_name

    with caplog.at_level(logging.WARNING, logger="subjects.migrations"):
        migration.customer_numbers_in_upper_case(migration_apps, None)

    assert DataSubject.objects.get(pk=alone.pk).external_ref == "CIFX000901"
    assert DataSubject.objects.get(pk=alone.pk).full_name == name
    assert DataSubject.objects.get(pk=twin.pk).external_ref == "cifx000900"
    assert DataSubject.objects.get(pk=upper.pk).external_ref == "CIFX000900"
    assert NationalIdShare.objects.get(pk=share.pk).external_ref == "CIFX000902"
    assert [str(twin.pk) in r.getMessage() for r in caplog.records] == [True]
    assert "cifx000900" not in caplog.text
    # Run again (a second deploy), it changes nothing more.
    migration.customer_numbers_in_upper_case(migration_apps, None)
    assert DataSubject.objects.get(pk=twin.pk).external_ref == "cifx000900"
