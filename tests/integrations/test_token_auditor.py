"""The DPO issues an auditor a read-only API token from the tokens page, without an operator's shell:
fixed read scopes, a last day required and at most 90 days away, the key shown once, audited as
`issue_token` is; refused for any login that holds another role."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from core.roles import Role
from integrations.models import ApiToken
from integrations.services import AUDITOR_TOKEN_SCOPES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/portal/tokens/auditor/"


def _post(client, user, *, days: int | None = 30, name: str = "external audit 2026", url: str = URL):
    data = {"login": user.pk, "name": name}
    if days is not None:
        data["last_day"] = (timezone.localdate() + timedelta(days=days)).strftime("%d/%m/%Y")
    return client.post(url, data)


def test_the_dpo_issues_an_auditor_a_read_only_token_shown_once(client, dpo, auditor):
    client.force_login(dpo)
    answer = _post(client, auditor)

    assert answer.status_code == 200
    token = ApiToken.objects.get(user=auditor)
    key = answer.content.decode().split('data-testid="key">')[1].split("<")[0]
    assert key.startswith(token.prefix)
    assert token.scopes == list(AUDITOR_TOKEN_SCOPES) and "audit:read" in token.scopes
    assert token.last_day == timezone.localdate() + timedelta(days=30)
    entry = AuditEntry.objects.get(action="core.token.issued")
    assert entry.actor_user_id == dpo.pk
    assert entry.data["last_day"] == token.last_day.isoformat() and entry.data["scopes"] == token.scopes
    assert key not in str(entry.data)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/audit/").status_code == 200
    assert api.get("/api/v1/consents/").status_code == 200
    assert api.get("/api/v1/request-tasks/").status_code == 403  # a work scope, not evidence


@pytest.mark.parametrize("other", ["officer", "privacy_officer", "dpo"])
def test_refused_for_another_staff_role_with_a_message_naming_the_login(client, dpo, other, request):
    login = request.getfixturevalue(other) if other != "dpo" else UserFactory(role=Role.DPO)
    client.force_login(dpo)
    html = _post(client, login, url="/en" + URL).content.decode()
    assert not ApiToken.objects.exists()
    assert 'data-testid="key"' not in html
    assert f"{login.username} does not hold the auditor role alone" in html


@pytest.mark.parametrize("other", ["client_user", "customer_a"])
def test_a_customer_or_integration_login_is_not_offered(client, dpo, other, request):
    client.force_login(dpo)
    html = client.get(URL).content.decode()
    assert request.getfixturevalue(other).username not in html
    answer = _post(client, request.getfixturevalue(other))
    assert answer.status_code == 200 and not ApiToken.objects.exists()


def test_refused_for_an_auditor_who_also_holds_another_role(client, dpo, auditor):
    auditor.groups.add(Group.objects.get(name=Role.OFFICER.value))
    client.force_login(dpo)
    _post(client, auditor)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [None, 91, -1])
def test_a_last_day_is_required_and_at_most_90_days_away(client, dpo, auditor, days):
    client.force_login(dpo)
    answer = _post(client, auditor, days=days)
    assert answer.status_code == 200
    assert not ApiToken.objects.exists()


def test_ninety_days_is_allowed(client, dpo, auditor):
    client.force_login(dpo)
    _post(client, auditor, days=90)
    assert ApiToken.objects.get(user=auditor).last_day == timezone.localdate() + timedelta(days=90)


@pytest.mark.parametrize("role", ["officer", "privacy_officer", "auditor"])
def test_only_the_dpo_may_open_or_post(client, role, request, auditor):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403
    assert _post(client, auditor).status_code == 403
    assert not ApiToken.objects.exists()
