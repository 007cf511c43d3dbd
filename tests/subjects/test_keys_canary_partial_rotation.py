"""The backup restored after the database died was taken while `rotate_keys` was half-way: the customers
it had reached were under the new key, the rest under the old one, which the operators, following the
runbook on the lost server, had since removed from FIELD_ENCRYPTION_KEY. The start-up canary read one row,
the first stored, which was under the new key, so the platform started and showed the other customers'
ciphertext, to be encrypted again on their next save and lost for good. `rotate_keys` goes in primary-key
order, so the canary now reads the first and the last row in that order: a rotation cut short leaves them
under different keys. (Disaster-recovery review.)"""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from subjects.checks import check_keys_read_existing_data
from subjects.keys import encrypted_models, rotate_batch
from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _first_stored_pk():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {DataSubject._meta.db_table} LIMIT 1")  # noqa: S608
        return DataSubject._meta.pk.to_python(cursor.fetchone()[0])


def test_a_rotation_cut_short_by_the_backup_is_refused_without_the_old_key(use_keys, settings):
    old_key, new_key = settings.FIELD_ENCRYPTION_KEY[0], Fernet.generate_key().decode()
    subjects = [make_subject() for _ in range(3)]
    while max(s.pk for s in subjects) == _first_stored_pk():  # some customer after it, by primary key
        subjects.append(make_subject())
    use_keys(field_keys=[new_key, old_key])
    for spec in encrypted_models():  # everything else rotated; the customers up to the first stored only
        if spec.model is not DataSubject:
            rotate_batch(spec, after=None, size=10_000)
    reached = sorted(s.pk for s in subjects).index(_first_stored_pk()) + 1
    (spec,) = [spec for spec in encrypted_models() if spec.model is DataSubject]
    assert rotate_batch(spec, after=None, size=reached).scanned == reached

    use_keys(field_keys=[new_key])  # the old key removed, as after a finished rotation

    errors = check_keys_read_existing_data()
    assert [e.id for e in errors] == ["core.E101"], "the platform would start and show ciphertext"
    assert DataSubject._meta.db_table in errors[0].msg
