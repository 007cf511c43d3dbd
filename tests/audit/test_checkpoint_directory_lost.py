"""The new server after the database died was set up without AUDIT_CHECKPOINT_DIR pointing at the
write-once copy (or the directory went with the old machine). Restored from last night's backup, the trail
then had no checkpoint to be held to: the whole-chain check called it intact, the hourly job began a new
series of checkpoints from the restored head, and the twelve hours of entries the restore lost were never
named, though the trail itself records that its checks had been held to checkpoints. Now a trail whose
own verifications were held to checkpoints, checked against a directory that holds none, does not verify:
the check names the directory to put back, and no new first checkpoint hides the loss.
(Disaster-recovery review.)"""
from __future__ import annotations

import pytest

from audit.checkpoints import checkpoints_read
from audit.selectors import audit_chain_verify
from audit.services import audit_checkpoint_write
from audit.tasks import verify_chain
from tests.audit.test_chain_restored import HOUR, T0, _restore_database_to, _write

pytestmark = pytest.mark.django_db


def _checked_against_checkpoints_then_restored():
    _write(10, at=T0)
    audit_checkpoint_write(now=T0 + HOUR)  # checkpoint: #10
    assert verify_chain(full=True) is True  # the weekly check, held to that checkpoint, is in the trail
    _write(5, at=T0 + 2 * HOUR)
    audit_checkpoint_write(now=T0 + 3 * HOUR)  # checkpoint: #16, the weekly check's entry and five more
    _restore_database_to(11)  # the backup, taken after the weekly check
    _write(3, at=T0 + 5 * HOUR)  # the restored platform writes on


def test_a_checkpoint_directory_lost_with_the_server_is_not_passed_over(settings, tmp_path):
    _checked_against_checkpoints_then_restored()
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "empty-on-the-new-server"

    result = audit_chain_verify()

    assert not result.valid, "the restore's loss is hidden: no checkpoint to hold the chain to"
    assert "AUDIT_CHECKPOINT_DIR" in result.reason and "empty-on-the-new-server" in result.reason
    assert audit_checkpoint_write()[1] is None  # no new first checkpoint over the lost entries
    assert checkpoints_read().last is None


def test_with_its_directory_back_the_restore_is_found(settings):
    _checked_against_checkpoints_then_restored()

    result = audit_chain_verify()

    assert not result.valid and result.lost_through == 16


def test_a_trail_never_held_to_a_checkpoint_still_starts_its_first(settings):
    _write(3, at=T0)
    assert verify_chain(full=True) is True  # no checkpoint yet: held to none

    assert audit_chain_verify().valid
    assert audit_checkpoint_write()[1] is not None
