"""Unlocking a sign-in is an accounts service: the failed attempts are cleared and the unlock is
audited in one transaction, whoever calls it (the DPO's page today)."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt

from accounts.services import sign_in_unlock
from audit.models import AuditEntry
from core.actors import actor_for_user

pytestmark = pytest.mark.django_db


def _locked(username: str, address: str) -> None:
    AccessAttempt.objects.create(
        username=username, ip_address=address, user_agent="tests", failures_since_start=5,
        get_data="", post_data="",
    )


def test_unlocking_clears_the_attempts_and_is_audited(dpo, officer):
    _locked(officer.username, "10.0.0.1")
    _locked(officer.username, "10.0.0.2")
    _locked("someone_else", "10.0.0.1")

    cleared = sign_in_unlock(actor=actor_for_user(dpo), username=officer.username)

    assert cleared == 2
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone_else"]
    entry = AuditEntry.objects.get(action="core.account.unlocked")
    assert entry.data == {"user_id": officer.pk, "attempts_cleared": 2}
    assert entry.actor_user_id == dpo.pk
