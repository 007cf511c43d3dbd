"""The database died at 02:40 and the point-in-time backup of 02:10 was restored, newer than the last
hourly checkpoint (02:00): the chain checks out, so `audit_restore_record` refused ("checks out against
every checkpoint"), the DPO got no e-mail and nobody was told which window of consents, withdrawals and
requests to record again. It is now recorded as a trail entry (no signed line: the chain has no break to
bind), from the backup's time the operator gives. (Disaster-recovery follow-up.)"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone, translation

from accounts.models import StaffProfile
from audit.checkpoints import RESTORES_FILE, checkpoint_dir
from audit.models import AuditEntry
from audit.services import audit_checkpoint_write
from core.roles import Role
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.audit.tampering import guards_lifted
from tests.audit.test_chain_restored import HOUR, T0, _restore_database_to, _write
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BACKUP_TAKEN = "2026-12-01T02:10:00+00:00"


def _trail_restored_from_a_backup_newer_than_the_checkpoint() -> None:
    _write(10, at=T0, tag="before")
    audit_checkpoint_write(now=T0 + HOUR)  # checkpoint: #10, at 02:00 UTC
    _write(5, at=T0 + HOUR + timedelta(minutes=5), tag="before")  # #11-#15; the backup is taken at 02:10
    _write(5, at=T0 + HOUR + timedelta(minutes=30), tag="lost")  # #16-#20, never checkpointed
    _restore_database_to(15)
    _write(3, at=T0 + 3 * HOUR, tag="after the restore")  # new #16-#18, at 04:00 UTC


def _record(*args: str) -> None:
    with translation.override("en"):
        call_command("audit_restore_record", "--taken-at", *args)


def test_a_restore_newer_than_the_last_checkpoint_is_recorded_with_its_lost_window():
    _trail_restored_from_a_backup_newer_than_the_checkpoint()

    _record(BACKUP_TAKEN, "--backup", "WAL 02:10")

    entry = AuditEntry.objects.get(action="audit.restore.since_checkpoint")
    fifteenth = AuditEntry.objects.get(sequence=15)
    assert entry.data["restored_to"] == 15
    assert entry.data["lost_after"] == fifteenth.recorded_at.isoformat()
    assert entry.data["lost_until"] == (T0 + 3 * HOUR).isoformat()
    assert entry.data["backup"] == "WAL 02:10"
    assert not (checkpoint_dir() / RESTORES_FILE).exists(), "no break to bind: no signed line"


def test_the_dpo_is_emailed_the_window_in_their_language():
    vietnamese = UserFactory(username="dpo_vi", role=Role.DPO, email="dpo.vi@bank.test")
    english = UserFactory(username="dpo_en", role=Role.DPO, email="dpo.en@bank.test")
    StaffProfile.objects.create(user=english, preferred_language="en")
    StaffProfile.objects.create(user=vietnamese, preferred_language="vi")
    _trail_restored_from_a_backup_newer_than_the_checkpoint()

    _record(BACKUP_TAKEN)

    for message in OutboxMessage.objects.filter(topic="audit.restore.since_checkpoint"):
        outbox_deliver(message.pk, now=timezone.now())
    bodies = {m.to[0]: m.body for m in mail.outbox}
    # #15 was recorded at 02:05:04 UTC, 09:05 in Hà Nội; the platform wrote again at 04:00 UTC, 11:00.
    for body in bodies.values():
        assert "01/12/2026 09:05" in body and "01/12/2026 11:00" in body, body
        assert "import_consents" in body
    assert "Every record" in bodies["dpo.en@bank.test"]
    assert "Mọi bản ghi" in bodies["dpo.vi@bank.test"]
    assert "sau điểm mốc gần nhất" in bodies["dpo.vi@bank.test"], "the restore's own words, translated"


@pytest.mark.parametrize("taken_at", ["2026-12-01T01:55:00+00:00", "2099-01-01T00:00:00+00:00", "yesterday"])
def test_a_backup_time_before_the_last_checkpoint_or_in_the_future_is_refused(taken_at):
    _trail_restored_from_a_backup_newer_than_the_checkpoint()

    with pytest.raises(CommandError):
        _record(taken_at)
    assert not AuditEntry.objects.filter(action="audit.restore.since_checkpoint").exists()


def test_refused_when_the_chain_is_broken():
    _trail_restored_from_a_backup_newer_than_the_checkpoint()
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'someone else' WHERE sequence = 12")

    with pytest.raises(CommandError, match="broken"):
        _record(BACKUP_TAKEN)
    assert not AuditEntry.objects.filter(action="audit.restore.since_checkpoint").exists()
