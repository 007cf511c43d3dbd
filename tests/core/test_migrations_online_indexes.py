"""An index added to a large table after the squash is built without locking writes
(docs/deployment.md, "Indexes built online"): `core.schema.AddIndexOnline`, in a migration that runs
outside a transaction. The migrations that still take a write lock are listed there, with the lock."""

from __future__ import annotations

import importlib

import pytest
from django.db.migrations.operations import AddIndex

from core.schema import AddIndexOnline

BUILT_ONLINE = [
    "dsr.migrations.0009_queue_indexes",
    "dsr.migrations.0015_closings_missed_recorded",
    "dsr.migrations.0028_identity_code_kept_index",
    "dsr.migrations.0031_identity_check_awaited_index",
    "dsr.migrations.0033_queue_by_answer",
    "integrations.migrations.0003_outbox_content_kept",
    "integrations.migrations.0004_outbox_page_indexes",
    "consents.migrations.0009_list_and_expiry_indexes",
    "consents.migrations.0031_consent_live_on_notice",
    "authorisations.migrations.0008_list_index",
    "subjects.migrations.0010_subject_passport_lookup_index",
]


@pytest.mark.parametrize("module", BUILT_ONLINE)
def test_the_migrations_indexes_are_built_online(module):
    migration = importlib.import_module(module).Migration
    added = [operation for operation in migration.operations if isinstance(operation, AddIndex)]

    assert added
    assert all(isinstance(operation, AddIndexOnline) for operation in added)
    assert migration.atomic is False
