"""A customer's withdrawal reason is personal data (often about health, money or family): it is
stored encrypted, and the migration encrypts the reasons already on file (pen test, finding 10)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from consents import services
from consents.models import ConsentEvent
from tests.consents.factories import STAFF, grant

REASON = "Tôi đang điều trị ung thư, đừng gọi nữa"
BEFORE = ("consents", "0003_subject_model_moved")
AFTER = ("consents", "0004_encrypt_withdrawal_reason")


def _raw_reasons() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM consents_consentevent WHERE kind = 'withdrawn'")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_reason_is_encrypted_at_rest_and_read_back():
    consent = grant()
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="mobile_app", reason=REASON)

    [stored] = _raw_reasons()
    assert REASON not in stored and "ung thư" not in stored
    assert ConsentEvent.objects.get(kind="withdrawn").reason == REASON


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_reasons_already_on_file():
    consent = grant()
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="mobile_app", reason=REASON)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        assert _raw_reasons() == [REASON]  # the way back leaves plain text the old code can read
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([AFTER])
        [stored] = _raw_reasons()
        assert REASON not in stored
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ConsentEvent.objects.get(kind="withdrawn").reason == REASON
