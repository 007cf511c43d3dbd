"""A lost checkpoint directory stops the chain verifying and the hourly checkpoints
(test_checkpoint_directory_lost.py), rightly: a new first checkpoint would bless whatever a restore lost.
But when the files are gone for good (no backup, no write-once copy), or a test environment was loaded
from a copy of production's database with a directory of its own on purpose, nothing let the bank say so:
the chain failed verification and the DPO was e-mailed every hour, for ever. Now the bank gives the old
series up, once, with its reason (`audit_checkpoints_restart`): noted in the trail, e-mailed to the DPOs
and internal audit (who hold the e-mailed copies of the lost checkpoints), and refused while anything
else is wrong or the directory holds checkpoints. (Re-read of the disaster-recovery day.)"""
from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_checkpoint_write
from audit.tasks import verify_chain
from core.actors import Actor
from core.roles import Role
from deadlines.policy import local_isoformat
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from regulator.proof_bundle import proof_bundle
from tests.audit.test_chain_restored import _write
from tests.audit.test_checkpoint_directory_lost import _checked_against_checkpoints_then_restored
from tests.factories import UserFactory, make_subject, signed_in

pytestmark = pytest.mark.django_db

REASON = "The server's disk and its only copy of the checkpoint files were lost in the fire of 3 Dec."


def test_a_directory_lost_for_good_is_given_up_with_a_reason_and_checkpoints_begin_again(settings, tmp_path):
    UserFactory(username="dpo_on_call", role=Role.DPO, email="dpo.on.call@bank.test")
    _checked_against_checkpoints_then_restored()
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "empty-on-the-new-server"

    call_command("audit_checkpoints_restart", "--reason", REASON)

    noted = AuditEntry.objects.get(action="audit.checkpoints.restarted")
    assert noted.data["reason"] == REASON and "empty-on-the-new-server" in noted.data["directory"]
    assert audit_chain_verify().valid
    assert audit_checkpoint_write()[1] is not None  # the new series' first checkpoint
    (message,) = OutboxMessage.objects.filter(topic="audit.checkpoints.restarted")
    outbox_deliver(message.pk, now=timezone.now())
    assert REASON in mail.outbox[0].body and "empty-on-the-new-server" in mail.outbox[0].body


def test_a_directory_holding_checkpoints_is_not_given_up():
    _checked_against_checkpoints_then_restored()

    with pytest.raises(CommandError, match="đang chứa điểm mốc"):
        call_command("audit_checkpoints_restart", "--reason", REASON)
    assert not AuditEntry.objects.filter(action="audit.checkpoints.restarted").exists()


def test_nothing_to_give_up_on_a_fresh_trail():
    _write(3, at=timezone.now())

    with pytest.raises(CommandError, match="hằng giờ"):
        call_command("audit_checkpoints_restart", "--reason", REASON)


def test_a_reason_is_required(settings, tmp_path):
    _checked_against_checkpoints_then_restored()
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "empty"

    with pytest.raises(CommandError, match="lý do"):
        call_command("audit_checkpoints_restart", "--reason", "  ")
    assert not audit_chain_verify().valid


def test_verification_and_the_proof_bundle_say_earlier_checkpoints_were_given_up(settings, tmp_path, dpo):
    """After the restart `verify_audit` said "intact ... checkpoints outside the database: 1" and the proof
    bundle quoted an intact chain: an inspector could not learn that every entry before the new first
    checkpoint is held to no checkpoint any more. Both now say when, by whom and which entry gives the
    reason. (Disaster-recovery follow-up.)"""
    _checked_against_checkpoints_then_restored()
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "empty-on-the-new-server"
    call_command("audit_checkpoints_restart", "--reason", REASON)
    noted = AuditEntry.objects.get(action="audit.checkpoints.restarted")
    audit_checkpoint_write()

    out = StringIO()
    call_command("verify_audit", stdout=out)
    said = out.getvalue()
    assert "given up" in said and f"entry #{noted.sequence}" in said and noted.actor_label in said, said
    assert REASON in said

    verify_chain(full=True)
    subject = make_subject()
    quoted = proof_bundle(subject, generated_by=Actor.system("tests"), now=timezone.now())["audit"][
        "full_chain_verification"
    ]
    assert quoted["checkpoints_given_up"] == [{
        "at": local_isoformat(noted.recorded_at), "by": noted.actor_label, "audit_entry": noted.sequence,
        "reason": REASON,
    }]
    page = signed_in(dpo).post(
        reverse("regulator:proof_bundle", args=[subject.pk]),
        {"reason": "other", "note": "A05 inspection", "format": "html"},
    ).content.decode()
    assert 'data-testid="bundle-checkpoints-given-up"' in page and escape(REASON) in page
