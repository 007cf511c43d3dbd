"""The bank's database dies at 14:00 and last night's backup is restored: everything recorded since the
backup is gone, not only audit entries (consents given and withdrawn, requests filed, their steps). The
signed restore record's e-mail told the DPO only entry numbers ("entries #16 to #20 lost"), which name
no time, so nobody could tell the integration clients which window to send again or the DPO which
customers' acts to look for. Now it names the window in local time, from the backup's newest entry to
the first entry written after the restore, and says what to re-record. (Disaster-recovery review.)"""
from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.roles import Role
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.audit.test_chain_restored import _trail_checkpointed_then_restored_to_15
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _restore_mail_body() -> str:
    UserFactory(username="dpo_on_call", role=Role.DPO, email="dpo.on.call@bank.test")
    _trail_checkpointed_then_restored_to_15()
    call_command("audit_restore_record", "--backup", "nightly 02:00")
    (message,) = OutboxMessage.objects.filter(topic="audit.restore.recorded")
    outbox_deliver(message.pk, now=timezone.now())
    return mail.outbox[0].body


def test_the_restore_mail_names_the_window_whose_records_were_lost():
    body = _restore_mail_body()

    # Entry #15, the backup's newest, was recorded at 02:05:04 UTC, 09:05 in Hà Nội; the platform wrote
    # again (the new #16) at 04:00 UTC, 11:00 in Hà Nội.
    assert "01/12/2026 09:05" in body, body
    assert "01/12/2026 11:00" in body, body
    # What to re-record and how: the commands and the runbook are named as they are typed.
    assert "import_consents" in body and "received_at" in body
    assert "docs/operations.md" in body


def test_the_window_is_a_paragraph_of_its_own():
    """It ran on from the entry numbers' paragraph, the two read as one block in the DPO's mail."""
    body = _restore_mail_body()

    paragraphs = body.split("\n\n")
    assert any(p.startswith("Mọi bản ghi") or p.startswith("Every record") for p in paragraphs), body
