"""A restore from a backup older than the last checkpoint, once recorded (`manage.py audit_restore_record`),
is a fact internal audit must hold outside the database: the signed record says which entries were lost,
and someone holding the audit key could later sign another. Recording it wrote `restores.jsonl` and an
entry in the trail and told nobody. Now the DPOs and internal audit's mailboxes (`AUDIT_CHECKPOINT_EMAIL`,
where the checkpoints go) are e-mailed the signed record, once per restore: the jobs that go on naming
the restore on every run do not write again. (From the last closing note, "audit gaps".)"""
from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit.checkpoints import RESTORES_FILE, checkpoint_dir
from audit.tasks import verify_chain, write_checkpoint
from core.roles import Role
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.audit.test_chain_restored import _trail_checkpointed_then_restored_to_15_then_used
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
INTERNAL_AUDIT = "internal.audit@bank.example"


@pytest.fixture
def dpo_on_call(db):
    """A DPO with an address to write to (the shared `dpo` fixture has none)."""
    return UserFactory(username="dpo_on_call", role=Role.DPO, email="dpo.on.call@bank.test")


def _restore_mails() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(topic="audit.restore.recorded").order_by("pk"))


def test_a_recorded_restore_is_mailed_to_the_dpo_and_internal_audit(settings, dpo_on_call):
    settings.AUDIT_CHECKPOINT_EMAIL = [INTERNAL_AUDIT]
    _trail_checkpointed_then_restored_to_15_then_used()

    call_command("audit_restore_record", "--backup", "pg_basebackup 2026-12-01 02:10")

    queued = _restore_mails()
    assert len(queued) == 2, "nobody was told the restore was recorded"
    for message in queued:
        outbox_deliver(message.pk, now=timezone.now())
    assert sorted(address for email in mail.outbox for address in email.to) == [
        "dpo.on.call@bank.test", INTERNAL_AUDIT,
    ]
    (line,) = (checkpoint_dir() / RESTORES_FILE).read_text().splitlines()
    for email in mail.outbox:  # in Vietnamese, the default language of both
        assert "Nhật ký kiểm toán được khôi phục từ bản sao lưu" in email.subject
        assert "#16" in email.subject and "#20" in email.subject
        assert "từ mục #16 đến mục #20" in email.body and "mục #15" in email.body
        assert "pg_basebackup 2026-12-01 02:10" in email.body
        assert line in email.body  # the signed record itself, a copy nobody with database access can rewrite
    assert json.loads(line)["signature"]


def test_the_jobs_that_name_the_restore_later_do_not_mail_it_again(settings, dpo_on_call):
    settings.AUDIT_CHECKPOINT_EMAIL = [INTERNAL_AUDIT]
    _trail_checkpointed_then_restored_to_15_then_used()
    call_command("audit_restore_record")
    assert len(_restore_mails()) == 2

    assert verify_chain(full=True) is True  # weekly: its outcome names the restore (data.restores)
    assert verify_chain() is True  # nightly
    assert write_checkpoint() is True  # hourly, resumed
    assert verify_chain(full=True) is True
    with pytest.raises(CommandError):  # exits 1 after a restore, and records its check all the same
        call_command("verify_audit")

    assert len(_restore_mails()) == 2


def test_without_internal_audits_mailbox_the_dpo_is_still_told(settings, dpo_on_call):
    settings.AUDIT_CHECKPOINT_EMAIL = []
    _trail_checkpointed_then_restored_to_15_then_used()

    call_command("audit_restore_record")

    (message,) = _restore_mails()
    outbox_deliver(message.pk, now=timezone.now())
    (email,) = mail.outbox
    assert email.to == ["dpo.on.call@bank.test"]


def test_the_checkpoint_e_mail_carries_the_signed_line_as_appended(settings):
    """Internal audit's copy of a checkpoint is only worth keeping if it is the line itself: rendered with
    HTML escaping, a plain-text e-mail carried `{&quot;head_hash&quot;: ...}`, whose signature checks
    against nothing."""
    settings.AUDIT_CHECKPOINT_EMAIL = [INTERNAL_AUDIT]
    _trail_checkpointed_then_restored_to_15_then_used()  # writes two checkpoints on the way
    # The outbox's keys are not in the order written: any one of the two checkpoints' mails will do.
    (first, *_) = OutboxMessage.objects.filter(topic="audit.checkpoint").order_by("pk")

    outbox_deliver(first.pk, now=timezone.now())

    (email,) = mail.outbox
    files = checkpoint_dir().glob("checkpoints-*.jsonl")
    written = [line for path in files for line in path.read_text().splitlines()]
    assert len(written) == 2 and any(line in email.body for line in written)
    assert "&quot;" not in email.body
