"""The bulk insert of an import writes encrypted columns as the ORM would: the withdrawal reason of an
imported consent's event is empty, and stored encrypted, so the key check at start-up (subjects.checks)
still reads every stored value. Both databases (PostgreSQL takes the COPY path)."""
from __future__ import annotations

import io

import pytest
from django.db import connection

from consents.models import ConsentEvent
from consents.services import consents_import_csv
from core.actors import Actor
from subjects.checks import check_keys_read_existing_data
from subjects.keys import field_crypter
from tests.consents.factories import IMPORTED_ON, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_an_imported_consents_event_stores_its_empty_reason_encrypted():
    purpose, customer = make_purpose("encrypted-marketing", category="marketing"), make_subject()
    header = "subject,purpose,notice_version,channel,evidence,granted_at"
    row = f"{customer.external_ref},{purpose.code},v1,paper_form,scan-1,{IMPORTED_ON}"

    lines = io.StringIO(f"{header}\n{row}\n").readlines()

    run = consents_import_csv(actor=Actor.system("tests"), filename="legacy.csv", lines=lines)

    assert run.imported == 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT reason FROM {ConsentEvent._meta.db_table}")  # noqa: S608 - the model's table
        stored = [value for (value,) in cursor.fetchall()]
    assert len(stored) == 1 and field_crypter().decrypt(stored[0].encode()) == b""
    assert ConsentEvent.objects.get().reason == ""
    assert check_keys_read_existing_data() == []
