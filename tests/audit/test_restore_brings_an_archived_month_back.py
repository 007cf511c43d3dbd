"""January of the trail was archived past retention (recorded, then its partition dropped); later that day
the database died and the night's backup, taken before the drop, was restored. January was back in the
database, and `verify_audit`, the runbook's check after a restore, called the chain intact from entry #1
without a word about the signed archive record saying entries #1 to #4 were archived: the month stayed
past retention, for good, while the bank's records said it was gone. Now the check says that archived
entries are in the database and that the month is to be dropped again. (Disaster-recovery review.)"""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.audit.tampering import month_dumped
from tests.audit.test_chain_archived import JANUARY, _trail
from tests.audit.test_chain_restored import _restore_database_to

pytestmark = pytest.mark.django_db


def _verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_verification_says_a_restore_brought_an_archived_month_back():
    _trail()  # #1-#4 in January, #5-#9 in February
    call_command("audit_archive_record", "--month", f"{JANUARY:%Y-%m}", "--dump", str(month_dumped(JANUARY)))
    _restore_database_to(9)  # the backup: before the archive was recorded, January still in it

    said = _verify_audit()

    assert "Audit chain intact" in said
    assert "Entries #1 to #4" in said and "2020-01" in said, said
    assert "still in the database" in said and "drop" in said


def test_nothing_is_said_when_no_archived_entry_is_left():
    _trail()

    said = _verify_audit()

    assert "still in the database" not in said
