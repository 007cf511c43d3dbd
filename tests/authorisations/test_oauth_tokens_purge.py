"""Expired OAuth codes and tokens are deleted by the nightly `purge-expired-oauth-tokens` (the
toolkit's `cleartokens`, audited); before, an expired unused code or token stayed until its
authorisation ended (docs/operations.md, "What the platform keeps")."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from audit.models import AuditEntry
from authorisations.services import oauth_tokens_clear_expired
from authorisations.tasks import clear_expired_tokens
from config.celery import app
from tests.authorisations.factories import authorise, register
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _access(user, application, *, expires, refresh: bool = False) -> AccessToken:
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=secrets.token_hex(16),
        expires=expires,
        scope="accounts:read",
    )
    if refresh:
        RefreshToken.objects.create(
            user=user, application=application, token=secrets.token_hex(16), access_token=access
        )
    return access


def _code(user, application, *, expires) -> Grant:
    return Grant.objects.create(
        user=user,
        application=application,
        code=secrets.token_hex(16),
        expires=expires,
        redirect_uri="https://ketoan.example.vn/oauth/callback",
        scope="accounts:read",
    )


@pytest.fixture
def pair():
    user = make_customer(username="tokens")
    registration = register()
    authorise(user, registration=registration)
    return user, registration.third_party.application


def test_expired_codes_and_tokens_go_and_live_ones_stay(pair):
    user, application = pair
    now = timezone.now()
    refresh_idle = timedelta(seconds=settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"])
    expired_access = _access(user, application, expires=now - timedelta(hours=1))
    dormant_pair = _access(user, application, expires=now - refresh_idle - timedelta(days=1), refresh=True)
    live_access = _access(user, application, expires=now + timedelta(minutes=10), refresh=True)
    recent_pair = _access(user, application, expires=now - timedelta(hours=1), refresh=True)
    expired_code = _code(user, application, expires=now - timedelta(minutes=5))
    live_code = _code(user, application, expires=now + timedelta(seconds=50))

    oauth_tokens_clear_expired()

    assert set(AccessToken.objects.values_list("pk", flat=True)) == {live_access.pk, recent_pair.pk}
    assert set(Grant.objects.values_list("pk", flat=True)) == {live_code.pk}
    assert set(RefreshToken.objects.values_list("access_token_id", flat=True)) == {
        live_access.pk,
        recent_pair.pk,
    }
    assert expired_access.pk != dormant_pair.pk != expired_code.pk
    (entry,) = AuditEntry.objects.filter(action="authorisations.oauth_tokens.purged")
    assert entry.data == {"codes": 1, "access_tokens": 2, "refresh_tokens": 1, "id_tokens": 0}
    oauth_tokens_clear_expired()  # nothing more to delete: no second entry
    assert AuditEntry.objects.filter(action="authorisations.oauth_tokens.purged").count() == 1


def test_beat_sends_the_token_cleanup_nightly(pair):
    user, application = pair
    _code(user, application, expires=timezone.now() - timedelta(minutes=5))
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == clear_expired_tokens.name]
    app.tasks[entry["task"]].apply()
    assert not Grant.objects.exists()


def test_refresh_tokens_have_an_idle_expiry_so_the_cleanup_reaches_them():
    """Without REFRESH_TOKEN_EXPIRE_SECONDS the toolkit's cleanup never deletes a refresh token."""
    assert settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"] > 0
