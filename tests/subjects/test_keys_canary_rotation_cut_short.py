"""The canary reads the first and the last row of each table in primary-key order, since `rotate_keys`
goes in that order. But the platform keeps running during a rotation, and what it writes meanwhile is
under the new key: a new row takes the highest number of a numbered table, and a customer's edit
re-encrypts any row. A backup taken half-way through then holds the first rows and the last under the
new key and the rows between under the old one, and with the old key removed the platform started and
showed those customers' ciphertext. The trail knows better: a rotation was started and not finished in
this database, so the keys it rotated from are still needed. (Re-read of the disaster-recovery day.)"""
from __future__ import annotations

from unittest import mock

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from subjects.checks import check_keys_read_existing_data
from subjects.keys import encrypted_models, rotate_batch
from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

SUBJECTS = next(spec for spec in encrypted_models() if spec.model is DataSubject)


def _rotation_cut_short_after_the_first_customer(use_keys, settings, **keys):
    """Five customers; `rotate_keys` re-encrypts the first by primary key and is stopped (the backup is
    taken then); meanwhile the platform re-saved the last one under the new key."""
    old_key, new_key = settings.FIELD_ENCRYPTION_KEY[0], Fernet.generate_key().decode()
    for _ in range(5):
        make_subject()
    use_keys(field_keys=[new_key, old_key], **keys)

    def stopped_after_one_customer(spec, *, after, size):
        if spec.model is DataSubject and after is not None:
            raise KeyboardInterrupt  # the backup is of this moment
        return rotate_batch(spec, after=after, size=size)

    with (mock.patch("subjects.management.commands.rotate_keys.rotate_batch", stopped_after_one_customer),
          pytest.raises(KeyboardInterrupt)):
        call_command("rotate_keys", batch_size=1)
    with connection.cursor() as cursor:  # the ids as stored, the order `rotate_batch` reads them in
        cursor.execute(f"SELECT id FROM {DataSubject._meta.db_table} ORDER BY id")  # noqa: S608
        stored = [row[0] for row in cursor.fetchall()]
    assert rotate_batch(SUBJECTS, after=stored[-2], size=1).reencrypted == 1  # the platform's own write
    return new_key


def test_a_rotation_cut_short_is_refused_once_the_old_key_is_gone(use_keys, settings):
    new_key = _rotation_cut_short_after_the_first_customer(use_keys, settings)

    use_keys(field_keys=[new_key])  # removed as after a finished rotation

    errors = check_keys_read_existing_data()
    assert [e.id for e in errors] == ["core.E101"], "three customers' data would be shown as ciphertext"
    assert "rotate_keys" in errors[0].hint


def test_a_rotation_cut_short_still_starts_with_the_old_key_listed(use_keys, settings):
    _rotation_cut_short_after_the_first_customer(use_keys, settings)

    assert check_keys_read_existing_data() == []


def test_a_blind_index_rotation_cut_short_is_refused_once_the_previous_key_is_gone(use_keys, settings):
    _rotation_cut_short_after_the_first_customer(
        use_keys, settings, blind="a-brand-new-blind-index-key-0123456789", previous=settings.BLIND_INDEX_KEY)

    use_keys(field_keys=settings.FIELD_ENCRYPTION_KEY, previous="")

    assert "core.E102" in [e.id for e in check_keys_read_existing_data()]


def test_a_finished_rotation_lets_the_old_keys_go(use_keys, settings):
    make_subject()
    new_key = Fernet.generate_key().decode()
    use_keys(field_keys=[new_key, settings.FIELD_ENCRYPTION_KEY[0]])
    call_command("rotate_keys")

    use_keys(field_keys=[new_key])

    assert check_keys_read_existing_data() == []
