"""API tokens ending within 14 days reach the DPO on the dashboard they open every morning, not only on
Portal → API tokens: a card counting them, linking to that page, while there are any; none for staff
who cannot see tokens."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.actors import Actor
from integrations.models import ApiToken
from integrations.services import token_issue, token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _token(client_user, *, last_day):
    token, _key = token_issue(actor=SYSTEM, user=client_user, scopes=["consents:read"], last_day=last_day)
    return token


def test_the_dpos_dashboard_counts_tokens_ending_within_14_days(client, dpo):
    integrator = UserFactory(role="integration_client")
    today = timezone.localdate()
    _token(integrator, last_day=today + timedelta(days=3))
    _token(integrator, last_day=today + timedelta(days=12))
    _token(integrator, last_day=today + timedelta(days=30))
    _token(integrator, last_day=None)
    token_revoke(actor=SYSTEM, token=_token(integrator, last_day=today + timedelta(days=5)))
    expired = _token(integrator, last_day=today)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(dpo)

    page = client.get("/en/portal/").content.decode()

    assert 'data-testid="card-tokens-ending">2<' in page
    assert 'href="/en/portal/tokens/"' in page


def test_no_card_while_none_ends_soon_nor_for_staff_who_cannot_see_tokens(client, dpo, privacy_officer):
    integrator = UserFactory(role="integration_client")
    _token(integrator, last_day=timezone.localdate() + timedelta(days=30))
    client.force_login(dpo)
    assert "card-tokens-ending" not in client.get("/en/portal/").content.decode()

    _token(integrator, last_day=timezone.localdate() + timedelta(days=2))
    client.force_login(privacy_officer)
    assert "card-tokens-ending" not in client.get("/en/portal/").content.decode()
