"""A role change ends the person's API tokens: a token issued for work in one role does not carry into
another, nor come back to life if a removed role is given back (a leaver's script, a mis-click)."""
from __future__ import annotations

import pytest

from accounts.services import user_role_set
from audit.models import AuditEntry
from core.actors import actor_for_user
from core.roles import Role
from integrations.models import ApiToken

pytestmark = pytest.mark.django_db


def test_removing_a_role_revokes_the_tokens_for_good(
    as_user, officer, dpo, django_capture_on_commit_callbacks
):
    api = as_user(officer)
    assert api.get("/api/v1/requests/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        user_role_set(actor=actor_for_user(dpo), user=officer, role=None)
    assert not ApiToken.objects.filter(user=officer, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="core.token.revoked", data__user_id=officer.pk).exists()
    user_role_set(actor=actor_for_user(dpo), user=officer, role=Role.OFFICER)
    assert api.get("/api/v1/requests/").status_code == 401


def test_a_new_role_starts_without_the_old_roles_tokens(
    as_user, privacy_officer, dpo, django_capture_on_commit_callbacks
):
    """Even in the process that served the token a moment ago: it forgets it on commit."""
    api = as_user(privacy_officer)
    assert api.get("/api/v1/requests/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        user_role_set(actor=actor_for_user(dpo), user=privacy_officer, role=Role.AUDITOR)
    assert api.get("/api/v1/requests/").status_code == 401
