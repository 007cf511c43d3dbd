"""The batched OAuth cleanup (`oauth_tokens_clear_expired`) copies the rules of the installed toolkit's
`clear_expired` instead of calling it: on the same rows, under each refresh-token policy the settings
allow, both must leave exactly the same codes and tokens behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import (
    AccessToken,
    Grant,
    IDToken,
    RefreshToken,
    clear_expired,
    refresh_token_expire_timedelta,
)
from oauth2_provider.settings import oauth2_settings

from authorisations.services import oauth_tokens_clear_expired
from tests.authorisations.test_oauth_tokens_purge import pair  # noqa: F401

pytestmark = pytest.mark.django_db
# Each kind by the field its label is written in.
LABELLED = ((Grant, "code"), (AccessToken, "token"), (RefreshToken, "token"), (IDToken, "scope"))


def _rows(user, application):
    """One row of every case the toolkit's rules tell apart, around its cut-offs, each labelled."""
    now = timezone.now()
    idle = refresh_token_expire_timedelta() or timedelta(days=30)
    owned = {"user": user, "application": application}
    ages = {"dormant": now - idle - timedelta(days=1), "expired": now - timedelta(hours=1),
            "live": now + timedelta(minutes=10)}
    for age, expires in ages.items():
        AccessToken.objects.create(**owned, token=f"alone-{age}", expires=expires)
        paired = AccessToken.objects.create(**owned, token=f"paired-{age}", expires=expires)
        RefreshToken.objects.create(**owned, token=f"of-{age}", access_token=paired)
        Grant.objects.create(**owned, code=f"code-{age}", expires=expires, redirect_uri="https://x.vn/cb")
        IDToken.objects.create(**owned, scope=f"id-{age}", expires=expires)
    revoked = {"long-ago": now - idle - timedelta(days=1), "just-now": now - timedelta(minutes=1),
               "days-ago": now - timedelta(days=2)}
    for age, at in revoked.items():
        live = AccessToken.objects.create(**owned, token=f"rotated-{age}", expires=ages["live"])
        RefreshToken.objects.create(**owned, token=f"revoked-{age}", access_token=live, revoked=at)
        RefreshToken.objects.create(**owned, token=f"revoked-unpaired-{age}", revoked=at)
    RefreshToken.objects.create(**owned, token="orphan")


def _survivors_after(purge, user, application) -> set[str]:
    """The labels of the rows `purge` leaves of a fresh set; the table emptied for the next run."""
    _rows(user, application)
    purge()
    left = {f"{model.__name__}:{label}" for model, field in LABELLED
            for label in model.objects.values_list(field, flat=True)}
    for model, _field in LABELLED:
        model.objects.all().delete()
    return left


@pytest.mark.parametrize(
    "policy",
    [
        {},
        {"REFRESH_TOKEN_REUSE_PROTECTION": False, "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0},
        {"REFRESH_TOKEN_REUSE_PROTECTION": False, "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 3600},
        {"REFRESH_TOKEN_EXPIRE_SECONDS": 0},
        {"REFRESH_TOKEN_EXPIRE_SECONDS": timedelta(days=3)},
    ],
    ids=["settings", "no-reuse-protection", "grace-period", "no-idle-expiry", "idle-expiry-as-timedelta"],
)
def test_it_leaves_what_the_toolkits_clear_expired_leaves(pair, settings, policy):  # noqa: F811
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, **policy}
    oauth2_settings.reload()
    try:
        ours = _survivors_after(lambda: oauth_tokens_clear_expired(limit=1000), *pair)
        toolkits = _survivors_after(clear_expired, *pair)
    finally:
        oauth2_settings.reload()
    assert ours == toolkits
    assert "Grant:code-expired" not in ours and "Grant:code-live" in ours
