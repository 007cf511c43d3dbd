"""A customer's withdrawal reason is personal data (often about health, money or family): it is
stored encrypted (pen test, finding 10). The reasons already on file were encrypted by a data
migration that every database has run since; the squashed migrations replace it
(tests/core/test_migrations_squashed.py)."""
from __future__ import annotations

import pytest
from django.db import connection

from consents import services
from consents.models import ConsentEvent
from tests.consents.factories import STAFF, grant

REASON = "Tôi đang điều trị ung thư, đừng gọi nữa"


def _raw_reasons() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM consents_consentevent WHERE kind = 'withdrawn'")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_reason_is_encrypted_at_rest_and_read_back():
    consent = grant()
    services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="call_centre", reason=REASON)

    [stored] = _raw_reasons()
    assert REASON not in stored and "ung thư" not in stored
    assert ConsentEvent.objects.get(kind="withdrawn").reason == REASON
