"""January of the trail was archived past retention (recorded, then its partition dropped); later that day
the database died and the night's backup, taken before the drop, was restored. January was back in the
database, and `verify_audit`, the runbook's check after a restore, called the chain intact from entry #1
without a word about the signed archive record saying entries #1 to #4 were archived: the month stayed
past retention, for good, while the bank's records said it was gone. Now the check says that archived
entries are in the database and that the month is to be dropped again. (Disaster-recovery review.)"""
from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from audit.services import audit_checkpoint_write
from tests.audit.tampering import archive_month, month_dumped
from tests.audit.test_chain_archived import FEBRUARY, JANUARY, _trail
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


def test_the_entries_kept_are_named_from_the_first_one_still_in_the_database():
    """January was dropped months ago; February's archive was recorded, and its drop is the next step.
    The message said "Entries #1 to #9", though #1 to #4 were long gone: the first entry kept is #5.
    (Disaster-recovery follow-up.)"""
    _trail()  # #1-#4 in January, #5-#9 in February
    audit_checkpoint_write(now=datetime(2020, 3, 1, 0, 5, tzinfo=UTC))  # head #9
    archive_month(JANUARY)
    call_command("audit_archive_record", "--month", f"{FEBRUARY:%Y-%m}",
                 "--dump", str(month_dumped(FEBRUARY)))

    said = _verify_audit()

    assert "still in the database" in said, said
    assert "Entries #5 to #9" in said, said
