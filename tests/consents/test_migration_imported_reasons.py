"""Migration 0008: the empty withdrawal reasons the import's COPY path stored as plain text are stored
encrypted, as the field stores '', so the key check at start-up reads every stored reason. It runs on
the models as they stood before it (the historical registry, as `migrate` gives it) and on today's."""

from __future__ import annotations

import importlib

from django.db import connection

from consents import services
from consents.models import ConsentEvent
from subjects.checks import check_keys_read_existing_data
from subjects.keys import field_crypter
from tests.consents.factories import STAFF, grant
from tests.migrations import imports_of_others, registries_after

migration = importlib.import_module("consents.migrations.0008_imported_event_reasons_encrypted")
WORDS = "Tôi không muốn nhận quảng cáo"


# The models as they stood before it (what `migrate` passes), or today's.
migration_apps = registries_after(migration.Migration.dependencies)


def _stored() -> dict[str, list[str]]:
    """The reasons as stored, by the kind of event."""
    stored: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, reason FROM {ConsentEvent._meta.db_table}")  # noqa: S608 - the model's table
        for kind, reason in cursor.fetchall():
            stored.setdefault(kind, []).append(reason)
    return stored


def test_the_migration_imports_nothing_of_the_project():
    assert imports_of_others(migration) == []


def test_plain_empty_reasons_are_stored_encrypted_and_the_others_are_kept(migration_apps):
    grant()
    services.consent_withdraw(actor=STAFF, consent_id=grant().pk, channel="branch", reason=WORDS)
    with connection.cursor() as cursor:
        # The grants' events as the import's COPY path wrote them.
        cursor.execute(f"UPDATE {ConsentEvent._meta.db_table} SET reason = '' WHERE kind = 'granted'")  # noqa: S608
    before = _stored()
    assert before["granted"] == ["", ""]

    migration.encrypt_plain_empty_reasons(migration_apps, None)

    after = _stored()
    assert [field_crypter().decrypt(value.encode()) for value in after["granted"]] == [b"", b""]
    assert after["withdrawn"] == before["withdrawn"]  # byte for byte
    assert ConsentEvent.objects.get(kind="withdrawn").reason == WORDS
    assert check_keys_read_existing_data() == []
