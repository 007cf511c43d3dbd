"""The proof bundle quotes the last whole-chain verification; after a restore from a backup older than the
last checkpoint, recorded with `manage.py audit_restore_record`, that verification checks out but the
bundle names the entries the restore lost and never calls the chain intact (docs/operations.md,
"Restoring the database from a backup")."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.checkpoints import checkpoints_read
from audit.tasks import verify_chain
from core.actors import Actor
from regulator.proof_bundle import proof_bundle
from tests.audit.test_chain_restored import _trail_checkpointed_then_restored_to_15_then_used
from tests.factories import make_subject, signed_in
from tests.pages import in_either_language
from tests.regulator.proof_history import VN

pytestmark = pytest.mark.django_db


def test_the_bundle_names_the_entries_a_recorded_restore_lost(dpo):
    _trail_checkpointed_then_restored_to_15_then_used()
    call_command("audit_restore_record")
    subject = make_subject()
    verify_chain(full=True)
    (restore,) = checkpoints_read().restores
    recorded = datetime.fromisoformat(restore.written_at).astimezone(VN)

    quoted = proof_bundle(subject, generated_by=Actor.system("tests"), now=timezone.now())["audit"][
        "full_chain_verification"
    ]

    assert quoted["result"] == "restored"
    assert quoted["restores"] == [
        {"restored_to": 15, "lost_from": 16, "lost_through": 20, "recorded_at": recorded.isoformat()}
    ]
    page = signed_in(dpo).post(
        reverse("regulator:proof_bundle", args=[subject.pk]),
        {"reason": "other", "note": "A05 inspection", "format": "html"},
    ).content.decode()
    assert 'data-testid="bundle-chain-restored"' in page
    assert in_either_language(
        "A signed restore record of %(recorded)s says the database was restored from a backup ending at "
        "entry #%(to)s: entries #%(first)s to #%(last)s, which a checkpoint had recorded, were lost; the "
        "entries numbered from #%(first)s on are new.",
        page, recorded=recorded.strftime("%d/%m/%Y %H:%M"), to=15, first=16, last=20,
    )


def test_an_unrecorded_restore_is_quoted_as_a_broken_chain(dpo):
    _trail_checkpointed_then_restored_to_15_then_used()
    subject = make_subject()
    verify_chain(full=True)

    quoted = proof_bundle(subject, generated_by=Actor.system("tests"), now=timezone.now())["audit"][
        "full_chain_verification"
    ]

    assert quoted["result"] == "broken" and "entries #16 to #20" in quoted["reason"]
    assert "restores" not in quoted
